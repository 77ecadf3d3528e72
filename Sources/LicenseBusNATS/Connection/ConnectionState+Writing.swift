extension ConnectionState {
    /// What a caller does after queuing bytes.
    enum WriteHandoff {
        /// Nothing: the I/O thread is already woken, or not connected (the bytes wait).
        case none
        /// Wake the I/O thread.
        case wake
        /// Write these bytes to the socket now, from the caller's thread, then call
        /// ``ConnectionState/finishDirectWrite(_:unsent:generation:)``.
        case write([UInt8], to: TCPSocket, generation: UInt64)
    }

    /// Decides who writes what was just queued. With `direct`, or once a batch of
    /// ``callerWriteThreshold`` bytes waits, a clear-text socket that nobody is writing to is
    /// handed to the caller (one `send` instead of a wake-up and a thread switch); otherwise the
    /// I/O thread is woken once, and with `coalescing` it lets more publishes join these bytes for
    /// up to ``NATSConfiguration/writeCoalescing`` before it takes the queue.
    mutating func handOff(direct: Bool, coalescing: Bool = false) -> WriteHandoff {
        guard self.phase == .connected else { return .none }
        let callerWrites = direct || self.outbound.count >= Self.callerWriteThreshold
        if callerWrites, !self.isWriting, let socket = self.directSocket, !self.outbound.isEmpty {
            self.isWriting = true
            // The last direct write's buffer becomes the queue; by now it is referenced only here.
            var bytes = self.writtenBuffer
            self.writtenBuffer = []
            bytes.removeAll(keepingCapacity: true)
            swap(&bytes, &self.outbound)
            self.writingBatch = bytes.count
            return .write(bytes, to: socket, generation: self.sessionGeneration)
        }
        return self.requestWake(coalescing: coalescing) ? .wake : .none
    }

    /// The I/O thread's turn at the queue, its last batch fully written: it gives up the writer
    /// role (`releasing`), then takes the queue unless a caller is writing it out directly (that
    /// caller wakes it afterwards). While it holds bytes to write it comes back for the queue by
    /// itself, so publishers need not wake it; only an idle I/O thread must be woken.
    /// - Parameters:
    ///   - inflight: The I/O thread's empty buffer; it receives the queue.
    ///   - releasing: Whether the I/O thread held the writer role for its last batch.
    /// - Returns: Whether the I/O thread now holds the writer role (it took bytes).
    mutating func takeQueue(into inflight: inout [UInt8], releasing: Bool) -> Bool {
        if releasing {
            self.isWriting = false
            self.writingBatch = 0
        }
        self.coalescingUntil = nil
        var holds = false
        if !self.isWriting {
            swap(&inflight, &self.outbound)
            holds = !inflight.isEmpty
            self.isWriting = holds
            self.writingBatch = inflight.count
        }
        self.wakeRequested = holds
        return holds
    }

    /// A caller's direct write of `buffer` is over: its bytes from `unsent` on go back in front of
    /// the queue (bytes queued meanwhile came later). A fully written buffer is kept for the next
    /// direct write's queue, so publishing does not allocate a buffer each time. Returns whether
    /// the I/O thread must be woken. A write to a socket of an earlier session changes nothing:
    /// its bytes died with it.
    mutating func finishDirectWrite(_ buffer: [UInt8], unsent: Int, generation: UInt64) -> Bool {
        guard generation == self.sessionGeneration else { return false }
        self.isWriting = false
        self.writingBatch = 0
        if unsent < buffer.count {
            self.outbound.insert(contentsOf: buffer[unsent...], at: 0)
        } else if buffer.capacity <= Self.keptBufferLimit {
            self.writtenBuffer = buffer
        }
        return !self.outbound.isEmpty && self.requestWake()
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
    }

    /// The end of the coalescing window, while it is open and the idle I/O thread should wait
    /// for it instead of taking the queue (a closing connection writes out at once).
    func openCoalescingWindow(at now: MonotonicTime) -> MonotonicTime? {
        guard let until = self.coalescingUntil, now < until, !self.isClosed else { return nil }
        return until
    }
}
