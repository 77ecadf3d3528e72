extension ConnectionState {
    /// What a caller does after queuing bytes.
    enum WriteHandoff {
        /// Nothing: the I/O thread is already woken, or not connected (the bytes wait).
        case none
        /// Wake the I/O thread.
        case wake
        /// Write `bytes` from offset `from` to the socket now, from the caller's thread, then
        /// call ``ConnectionState/finishDirectWrite(_:sent:bulk:generation:)``. `bulk`: a
        /// publisher writes a full batch (rather than a request that may not wait).
        case write([UInt8], from: Int, to: TCPSocket, bulk: Bool, generation: UInt64)
    }

    /// Decides who writes what was just queued. With `direct`, or once a batch of
    /// ``callerWriteThreshold`` bytes waits, a clear-text socket that nobody is writing to is
    /// handed to the caller (one `send` instead of a wake-up and a thread switch); otherwise the
    /// I/O thread is woken once, and with `coalescing` it lets more publishes join these bytes for
    /// up to ``NATSConfiguration/writeCoalescing`` before it takes the queue.
    mutating func handOff(direct: Bool, coalescing: Bool = false) -> WriteHandoff {
        guard self.phase == .connected else { return .none }
        let unsent = self.outbound.count - self.outboundSent
        let bulk = !direct && unsent >= Self.callerWriteThreshold && self.outbound.count >= self.bulkRetryAt
        if direct || bulk, !self.isWriting, let socket = self.directSocket, unsent > 0 {
            self.isWriting = true
            // The last direct write's buffer becomes the queue; by now it is referenced only here.
            var bytes = self.writtenBuffer
            self.writtenBuffer = []
            bytes.removeAll(keepingCapacity: true)
            swap(&bytes, &self.outbound)
            let start = self.outboundSent
            self.outboundSent = 0
            self.writingBatch = bytes.count
            if bulk { self.lastBulkWrite = .now }
            return .write(bytes, from: start, to: socket, bulk: bulk, generation: self.sessionGeneration)
        }
        return self.requestWake(coalescing: coalescing) ? .wake : .none
    }

    /// The I/O thread's turn at the queue, its last batch fully written (and its writer role
    /// given up with ``releaseWriter()``): it takes the queue unless a caller is writing it out
    /// directly (that caller wakes it afterwards). While it holds bytes to write it comes back
    /// for the queue by itself, so publishers need not wake it; only an idle I/O thread must be woken.
    /// - Parameters:
    ///   - inflight: The I/O thread's empty buffer; it receives the queue.
    ///   - written: Set to how much of the queue a caller already sent.
    /// - Returns: Whether the I/O thread now holds the writer role (it took bytes to send).
    mutating func takeQueue(into inflight: inout [UInt8], written: inout Int) -> Bool {
        self.coalescingUntil = nil
        self.writeNow = false
        var holds = false
        if !self.isWriting {
            swap(&inflight, &self.outbound)
            written = self.outboundSent
            self.outboundSent = 0
            holds = written < inflight.count
            self.isWriting = holds
            self.writingBatch = holds ? inflight.count : 0
        }
        self.wakeRequested = holds
        return holds
    }

    /// The I/O thread has written its batch and gives up the writer role.
    mutating func releaseWriter() {
        self.isWriting = false
        self.writingBatch = 0
    }

    /// A caller's direct write of `buffer` is over, `sent` bytes of it written (the whole buffer
    /// when the socket failed: its bytes are lost with it). The unsent rest stays in front of the
    /// queue, with bytes queued meanwhile behind it; a fully written buffer is kept for the next
    /// direct write's queue, so publishing does not allocate a buffer each time. Returns whether
    /// the I/O thread must be woken. A write to a socket of an earlier session changes nothing:
    /// its bytes died with it.
    mutating func finishDirectWrite(_ buffer: inout [UInt8], sent: Int, bulk: Bool, generation: UInt64) -> Bool {
        guard generation == self.sessionGeneration else { return false }
        self.isWriting = false
        self.writingBatch = 0
        if sent < buffer.count {
            buffer.append(contentsOf: self.outbound)
            swap(&buffer, &self.outbound)
            self.outboundSent = sent
            // A bulk publisher tries again once another batch has joined the queue.
            self.bulkRetryAt = self.outbound.count + Self.callerWriteThreshold
        } else {
            self.bulkRetryAt = 0
        }
        buffer.removeAll(keepingCapacity: true)
        if buffer.capacity <= Self.keptBufferLimit { swap(&buffer, &self.writtenBuffer) }
        // Left bytes wait for the publisher's next batch, or for the I/O thread once the
        // coalescing window passes without one; a request's bytes may not wait.
        return self.outbound.count > self.outboundSent && self.requestWake(coalescing: bulk)
    }

    /// Drops the bytes a direct write already sent from the front of the queue, so that they no
    /// longer count against ``NATSConfiguration/outboundBufferLimit``.
    mutating func compactOutbound() {
        guard self.outboundSent > 0 else { return }
        self.outbound.removeSubrange(0..<self.outboundSent)
        self.bulkRetryAt = max(0, self.bulkRetryAt - self.outboundSent)
        self.outboundSent = 0
    }

    /// The largest written buffer kept for reuse (a burst's larger buffer is freed).
    static let keptBufferLimit = 64 * 1024

    /// Queued bytes from which a bulk publisher writes the batch itself instead of leaving it to
    /// the I/O thread, as libnats' publisher writes its 32 KiB buffer once it is full. The batch is
    /// written while the socket takes it, with no second thread running beside the publisher and
    /// the server, and its buffer is reused instead of the queue growing into fresh pages.
    static let callerWriteThreshold = 32 * 1024

    /// A session starts: callers may write to `socket` directly (nil with TLS, whose session
    /// only the I/O thread may use).
    mutating func startSession(directSocket socket: TCPSocket?) {
        self.sessionGeneration &+= 1
        self.directSocket = socket
        self.isWriting = false
        self.writingBatch = 0
        self.coalescingUntil = nil
        self.writeNow = false
        self.lastBulkWrite = nil
        self.bulkRetryAt = 0
    }

    /// Until when the idle I/O thread lets publishes gather instead of taking the queue, or nil
    /// to take it now. Publishes gather while a coalescing window is open; after the I/O thread
    /// wrote a batch (`afterBatch`), a new window opens, so that a bulk publisher gets to write
    /// the next batch itself; and while such a publisher keeps writing batches, the window
    /// follows its last one, so only one thread of this client writes during a burst. Bytes that
    /// may not wait (``writeNow``), a closing connection and an empty queue end it at once.
    mutating func gatheringDeadline(at now: MonotonicTime, afterBatch: Bool) -> MonotonicTime? {
        guard !self.isClosed, !self.writeNow, self.coalescingNanoseconds > 0,
            self.outbound.count > self.outboundSent
        else { return nil }
        var until = self.coalescingUntil
        if afterBatch, until == nil, self.directSocket != nil {
            until = now.advanced(byNanoseconds: self.coalescingNanoseconds)
        }
        if let last = self.lastBulkWrite {
            let following = last.advanced(byNanoseconds: self.coalescingNanoseconds)
            until = max(until ?? following, following)
        }
        guard let until, now < until else { return nil }
        self.coalescingUntil = until
        self.wakeRequested = true
        return until
    }
}
