/// Everything a connection shares between callers and its I/O thread, behind one lock (`Locked`).
///
/// A value type: its methods change state and return ``Effect``s (resuming continuations,
/// yielding messages, emitting events) that the caller performs after unlocking.
struct ConnectionState {
    enum Phase: Equatable {
        case connecting
        case connected
        case reconnecting
        case closed
    }

    /// A caller waiting for the PONG of a PING sent on the current connection.
    struct PongWaiter {
        var id: UInt64?
        var continuation: CheckedContinuation<Void, any Error>?
    }

    struct Subscription {
        let subject: String
        let queue: String?
        let buffer: SubscriptionBuffer
        var maximum: UInt64?
        var delivered: UInt64 = 0
        /// UNSUB sent by `drain`: messages still arrive until the PONG; never re-subscribed.
        var isDraining = false

        /// Counts one delivered message; returns whether it was the last one asked for
        /// (auto-unsubscribe). A mutating call works on the stored value in place, where reading
        /// a field through `Dictionary.Values`' subscript would copy the whole subscription.
        mutating func countDelivery() -> Bool {
            self.delivered += 1
            guard let maximum = self.maximum else { return false }
            return self.delivered >= maximum
        }
    }

    enum Effect {
        case resume(CheckedContinuation<Void, any Error>, NATSError?)
        case reply(CheckedContinuation<NATSMessage, any Error>, Result<NATSMessage, NATSError>)
        case deliver(SubscriptionBuffer, [NATSMessage], sid: UInt64)
        case finish(SubscriptionBuffer)
        case event(ConnectionEvent)

        /// Whether this ends a subscription.
        var isFinish: Bool {
            if case .finish = self { true } else { false }
        }
    }

    let configuration: NATSConfiguration
    var phase: Phase = .connecting
    /// Operations for the current socket, taken by the I/O thread or a caller writing directly.
    var outbound: [UInt8] = []
    /// How many bytes at the front of ``outbound`` a caller's direct write already sent: the
    /// rest of that operation must be the next bytes on the socket.
    var outboundSent = 0
    /// Publishes made while not connected, sent after resubscribing.
    var reconnectBuffer: [UInt8] = []
    /// Whether callers need not wake the I/O thread: a wake-up is already on its way, it is
    /// writing and will come back for the queue by itself, or it waits out a coalescing window.
    var wakeRequested = false
    /// The connected clear-text socket, which callers may write to while nobody else does.
    var directSocket: TCPSocket?
    /// Whether the I/O thread or a caller is writing to the socket now.
    var isWriting = false
    /// The size of the batch being written, counted against the outbound limit until it is
    /// all written (its written part too: the writer does not report progress).
    var writingBatch = 0
    /// The buffer of the last direct write, fully written, reused as the next one's queue.
    var writtenBuffer: [UInt8] = []
    /// The end of the window in which publishes gather before the woken I/O thread takes them
    /// (nil: it takes the queue as soon as it runs).
    var coalescingUntil: MonotonicTime?
    /// Bytes were queued that may not wait (a flush, a subscription, a PING): the I/O thread
    /// takes the queue as soon as it runs, without gathering.
    var writeNow = false
    /// When a publisher last wrote a full batch itself; while it keeps doing so, the I/O thread
    /// leaves the queue to it (see ``gatheringDeadline(at:afterBatch:)``).
    var lastBulkWrite: MonotonicTime?
    /// The queue size below which a publisher does not try another bulk write, after one that
    /// found the socket full (so a full socket costs one `send` per batch, not per publish).
    var bulkRetryAt = 0
    /// ``NATSConfiguration/writeCoalescing`` in nanoseconds, converted once.
    let coalescingNanoseconds: UInt64
    /// The subject of the last publish, known to be valid.
    var lastValidSubject: String?
    /// Counts sessions, so a caller's write to a socket that has since died changes nothing.
    var sessionGeneration: UInt64 = 0
    var serverInfo = ServerInfo()
    var subscriptions: [UInt64: Subscription] = [:]
    var nextSID: UInt64 = 1
    var pongWaiters: [PongWaiter] = []
    /// Flushes asked for while disconnected; their PINGs go out after reconnecting.
    var deferredFlushes: [PongWaiter] = []
    var pingsOut = 0
    /// Requests waiting for their reply, by waiter id (the reply subject's ``RequestToken``).
    var requests: [UInt64: CheckedContinuation<NATSMessage, any Error>] = [:]
    var inbox: (prefix: String, sid: UInt64)?
    var statistics = NATSStatistics()
    var connectWaiter: CheckedContinuation<Void, any Error>?
    var closeWaiters: [CheckedContinuation<Void, Never>] = []
    var ioFinished = false

    init(configuration: NATSConfiguration) {
        self.configuration = configuration
        self.coalescingNanoseconds = MonotonicTime.nanoseconds(in: configuration.writeCoalescing)
    }

    var isClosed: Bool { self.phase == .closed }

    /// Notes that the I/O thread has new bytes to write; returns whether the caller must wake
    /// it: when no wake-up is on its way, or when it waits out a coalescing window and these
    /// bytes may not wait (`coalescing` false), which ends the window.
    /// - Parameter coalescing: Whether the bytes may wait up to
    ///   ``NATSConfiguration/writeCoalescing`` for more to join them (plain publishes).
    mutating func requestWake(coalescing: Bool = false) -> Bool {
        if !coalescing { self.writeNow = true }
        if self.wakeRequested {
            guard !coalescing, self.coalescingUntil != nil else { return false }
            self.coalescingUntil = nil
            return true
        }
        self.wakeRequested = true
        if coalescing, self.coalescingNanoseconds > 0 {
            self.coalescingUntil = MonotonicTime.now.advanced(byNanoseconds: self.coalescingNanoseconds)
        }
        return true
    }

    // MARK: publishing

    /// Whether `subject` is the last subject found valid. Compared unwrapped: wrapping it in an
    /// Optional to compare with ``lastValidSubject`` would retain and release it on every publish.
    private func isLastValidSubject(_ subject: String) -> Bool {
        guard let last = self.lastValidSubject else { return false }
        return last == subject
    }

    mutating func enqueuePublish(
        subject: String,
        replyTo: String?,
        headers: NATSHeaders?,
        payload: UnsafeRawBufferPointer
    ) throws(NATSError) {
        guard self.phase != .closed else { throw NATSError.closed }
        // Publishers mostly repeat one subject; an identical string needs no second scan.
        if !self.isLastValidSubject(subject) {
            guard SubjectRules.isValid(subject) else {
                throw NATSError(.invalidSubject, "'\(subject.prefix(64))' is not a valid subject to publish to")
            }
            self.lastValidSubject = subject
        }
        if let replyTo, !SubjectRules.isValid(replyTo) {
            throw NATSError(.invalidSubject, "'\(replyTo.prefix(64))' is not a valid reply subject")
        }
        var headerBytes: [UInt8]?
        if let headers {
            if self.phase == .connected && !self.serverInfo.headers {
                throw NATSError(.invalidHeader, "the server does not support headers")
            }
            headerBytes = try headers.encoded()
        }
        let size = payload.count + (headerBytes?.count ?? 0)
        guard size <= self.serverInfo.maxPayload else {
            throw NATSError(
                .maxPayloadExceeded,
                "the message has \(size) bytes; the server accepts at most \(self.serverInfo.maxPayload)"
            )
        }
        let overhead = subject.utf8.count + (replyTo?.utf8.count ?? 0) + 40
        if self.phase == .connected {
            let limit = self.configuration.outboundBufferLimit
            if self.outbound.count + self.writingBatch + size + overhead > limit { self.compactOutbound() }
            let waiting = self.outbound.count + self.writingBatch
            guard waiting + size + overhead <= limit else {
                throw NATSError(.bufferFull, "\(waiting) bytes already wait to be written")
            }
            ClientCommand.publish(
                subject: subject,
                replyTo: replyTo,
                headers: headerBytes,
                payload: payload,
                into: &self.outbound
            )
        } else {
            guard self.reconnectBuffer.count + size + overhead <= self.configuration.reconnectBufferSize else {
                throw NATSError(
                    .bufferFull,
                    "the reconnect buffer of \(self.configuration.reconnectBufferSize) bytes is full"
                )
            }
            ClientCommand.publish(
                subject: subject,
                replyTo: replyTo,
                headers: headerBytes,
                payload: payload,
                into: &self.reconnectBuffer
            )
        }
        self.statistics.outMessages += 1
        self.statistics.outBytes += UInt64(payload.count)
    }

    // MARK: subscriptions

    mutating func addSubscription(
        subject: String,
        queue: String?,
        buffer: SubscriptionBuffer
    ) throws(NATSError) -> UInt64 {
        guard self.phase != .closed else { throw NATSError.closed }
        guard SubjectRules.isValid(subject) else {
            throw NATSError(.invalidSubject, "'\(subject.prefix(64))' is not a valid subject to subscribe to")
        }
        if let queue, !SubjectRules.isValidQueue(queue) {
            throw NATSError(.invalidSubject, "'\(queue.prefix(64))' is not a valid queue group")
        }
        let sid = self.nextSID
        self.nextSID += 1
        self.subscriptions[sid] = Subscription(subject: subject, queue: queue, buffer: buffer)
        if self.phase == .connected {
            ClientCommand.subscribe(subject: subject, queue: queue, sid: sid, into: &self.outbound)
        }
        return sid
    }

    /// Unsubscribes now (`maximum` nil) or after `maximum` messages in total.
    mutating func removeSubscription(sid: UInt64, after maximum: UInt64?) -> [Effect] {
        guard var subscription = self.subscriptions[sid] else { return [] }
        if let maximum, subscription.delivered < maximum {
            subscription.maximum = maximum
            self.subscriptions[sid] = subscription
            if self.phase == .connected { ClientCommand.unsubscribe(sid: sid, after: maximum, into: &self.outbound) }
            return []
        }
        self.subscriptions[sid] = nil
        if self.phase == .connected { ClientCommand.unsubscribe(sid: sid, after: nil, into: &self.outbound) }
        return [.finish(subscription.buffer)]
    }

    // MARK: flush

    mutating func addFlush(id: UInt64, _ continuation: CheckedContinuation<Void, any Error>) -> Effect? {
        switch self.phase {
        case .closed: return .resume(continuation, NATSError.closed)
        case .connected:
            ClientCommand.ping(into: &self.outbound)
            self.pongWaiters.append(PongWaiter(id: id, continuation: continuation))
        case .connecting, .reconnecting:
            self.deferredFlushes.append(PongWaiter(id: id, continuation: continuation))
        }
        return nil
    }

    /// Gives up waiting for flush `id` (timeout or cancellation); its PONG, if any, is ignored.
    mutating func abandonFlush(id: UInt64, error: NATSError) -> Effect? {
        for index in self.pongWaiters.indices where self.pongWaiters[index].id == id {
            guard let continuation = self.pongWaiters[index].continuation else { return nil }
            self.pongWaiters[index].continuation = nil
            return .resume(continuation, error)
        }
        if let index = self.deferredFlushes.firstIndex(where: { $0.id == id }),
            let continuation = self.deferredFlushes.remove(at: index).continuation
        {
            return .resume(continuation, error)
        }
        return nil
    }
}
