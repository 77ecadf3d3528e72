internal import LicenseBusCrypto
import LicenseBusSync
import Synchronization

/// A connection to a NATS server (or cluster), with reconnect, resubscribe and request/reply.
///
/// One I/O thread per connection owns the socket. Callers never block: ``publish(_:to:replyTo:headers:)``
/// encodes into a bounded buffer and wakes that thread; waiting operations are `async`, take a
/// timeout and honour task cancellation.
/// - Important: Safe to use from any thread or task.
public final class NATSConnection: Sendable {
    /// The configuration it was made with.
    public let configuration: NATSConfiguration
    /// Connection events, in order (connected, disconnected, reconnected, closed, errors, ...).
    /// A single consumer should read it; old events are dropped past 256 unread.
    public let events: AsyncStream<ConnectionEvent>

    let state: Locked<ConnectionState>
    let wake: WakeSignal
    let eventContinuation: AsyncStream<ConnectionEvent>.Continuation
    private let nextWaiterID = Atomic<UInt64>(1)
    /// Deadlines of flushes and requests.
    let deadlines = DeadlineTimer()
    /// The TLS context, made on first use (see `tlsContext()`).
    let tlsContextCache = Locked<TLSClientContext?>(nil)

    private init(configuration: NATSConfiguration) throws(NATSError) {
        self.configuration = configuration
        self.state = Locked(ConnectionState(configuration: configuration))
        self.wake = try WakeSignal()
        (self.events, self.eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
        self.deadlines.onExpiry { [weak self] ids in
            self?.abandon(ids: ids, error: NATSError(.timeout, "no answer within the timeout"))
        }
    }

    /// Connects to the first server of the pool that answers and completes the handshake.
    ///
    /// With ``NATSConfiguration/retryOnFailedConnect`` it returns at once and keeps trying in
    /// the background (publishes are buffered meanwhile).
    /// - Parameter configuration: Servers, auth, limits.
    /// - Returns: The connection.
    /// - Throws: ``NATSError``: `invalidConfiguration` (no server, a TLS file that cannot be loaded),
    ///   `connectionFailed` after one pass over the pool, `authorizationViolation`, `protocolError`,
    ///   and the TLS codes (`tls_certificate_expired`, `tls_unknown_authority`, `tls_hostname_mismatch`,
    ///   `tls_failed`).
    public static func connect(_ configuration: NATSConfiguration) async throws -> NATSConnection {
        var configuration = configuration
        if configuration.servers.isEmpty { configuration.servers = [try ServerURL("nats://127.0.0.1:4222")] }
        let connection = try NATSConnection(configuration: configuration)
        if configuration.wantsTLS { _ = try connection.tlsContext() }
        if configuration.retryOnFailedConnect {
            try IOThread.start { connection.runIOThread() }
            return connection
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            connection.state.withLock { $0.connectWaiter = continuation }
            do throws(NATSError) {
                try IOThread.start { connection.runIOThread() }
            } catch {
                connection.perform(connection.state.withLock { $0.close(reason: error) })
            }
        }
        return connection
    }

    /// Whether the connection is up now.
    public var isConnected: Bool { self.state.withLock { $0.phase == .connected } }

    /// Whether the connection is closed for good.
    public var isClosed: Bool { self.state.withLock { $0.isClosed } }

    /// The counters (messages and bytes in and out, reconnects, drops).
    public var statistics: NATSStatistics { self.state.withLock { $0.statistics } }

    /// The INFO of the server connected to (defaults before the first connect).
    public var serverInfo: ServerInfo { self.state.withLock { $0.serverInfo } }

    /// Publishes a message. Never blocks: the bytes are queued for the I/O thread, which writes
    /// them with those published within ``NATSConfiguration/writeCoalescing`` (1 ms; `flush`
    /// sends at once), or with ``NATSConfiguration/sendImmediately`` written by this thread with
    /// one non-blocking `send` when the socket is idle.
    ///
    /// While disconnected the message is kept in the reconnect buffer and sent after the
    /// subscriptions are restored.
    /// - Parameters:
    ///   - payload: The payload bytes.
    ///   - subject: The subject (no wildcards, no white space).
    ///   - replyTo: A reply subject, or nil.
    ///   - headers: Headers, or nil (the server must support them).
    /// - Throws: ``NATSError``: `connectionClosed`, `invalidSubject`, `invalidHeader`,
    ///   `maxPayloadExceeded` (larger than the server's `max_payload`), `bufferFull`.
    public func publish(
        _ payload: [UInt8],
        to subject: String,
        replyTo: String? = nil,
        headers: NATSHeaders? = nil
    ) throws(NATSError) {
        let direct = self.configuration.sendImmediately
        let outcome = payload.withUnsafeBytes { bytes in
            Result { () throws(NATSError) -> ConnectionState.WriteHandoff in
                try self.state.withLock { (state) throws(NATSError) -> ConnectionState.WriteHandoff in
                    try state.enqueuePublish(subject: subject, replyTo: replyTo, headers: headers, payload: bytes)
                    return state.handOff(direct: direct, coalescing: !direct)
                }
            }
        }
        self.carryOut(try outcome.get())
    }

    /// Subscribes to a subject (wildcards allowed), optionally in a queue group.
    ///
    /// Messages arrive on the returned sequence; past ``NATSConfiguration/subscriptionBufferLimit``
    /// unread messages new ones are dropped and a ``ConnectionEvent/slowConsumer(subject:sid:)`` is
    /// reported once per episode. The subscription survives reconnects, queue group included.
    /// - Parameters:
    ///   - subject: The subject, e.g. `license.key` or `orders.>`.
    ///   - queue: A queue group name, or nil.
    /// - Returns: The subscription, an `AsyncSequence` of messages.
    /// - Throws: ``NATSError`` `connectionClosed` or `invalidSubject`.
    public func subscribe(to subject: String, queue: String? = nil) throws(NATSError) -> NATSSubscription {
        let buffer = SubscriptionBuffer(limit: self.configuration.subscriptionBufferLimit)
        let sid = try self.addSubscription(subject: subject, queue: queue, buffer: buffer)
        return NATSSubscription(sid: sid, subject: subject, queue: queue, buffer: buffer, connection: self)
    }

    /// Subscribes with a handler that the connection's I/O thread calls for each message, in
    /// order, as it reads them.
    ///
    /// For short work that never blocks, such as answering a request from memory. The handler
    /// runs on the thread that reads the socket, as a SwiftNIO handler runs on its event loop:
    /// while it runs no other message is read and no PING is answered, so a handler that blocks
    /// stalls the connection. In exchange a message reaches it without waking a task, which
    /// ``subscribe(to:queue:)`` does per batch. Nothing is queued, so nothing is dropped; a slow
    /// handler slows the socket instead. The subscription survives reconnects, queue group
    /// included; a message read just before ``NATSHandlerSubscription/unsubscribe()`` may still
    /// reach the handler.
    /// - Parameters:
    ///   - subject: The subject, e.g. `license.key.get` or `orders.>`.
    ///   - queue: A queue group name, or nil.
    ///   - handler: Called on the I/O thread with each message.
    /// - Returns: A handle to unsubscribe with.
    /// - Throws: ``NATSError`` `connectionClosed` or `invalidSubject`.
    public func subscribe(
        to subject: String,
        queue: String? = nil,
        handler: @escaping @Sendable (NATSMessage) -> Void
    ) throws(NATSError) -> NATSHandlerSubscription {
        let sid = try self.addSubscription(subject: subject, queue: queue, buffer: SubscriptionBuffer(handler: handler))
        return NATSHandlerSubscription(sid: sid, subject: subject, queue: queue, connection: self)
    }

    /// Registers a subscription and sends its SUB.
    private func addSubscription(
        subject: String,
        queue: String?,
        buffer: SubscriptionBuffer
    ) throws(NATSError) -> UInt64 {
        let (sid, handoff) = try self.state.withLock {
            (state) throws(NATSError) -> (UInt64, ConnectionState.WriteHandoff) in
            let sid = try state.addSubscription(subject: subject, queue: queue, buffer: buffer)
            return (sid, state.handOff(direct: false))
        }
        self.carryOut(handoff)
        return sid
    }

    /// Unsubscribes now, or after `maximum` messages in total have been delivered.
    func unsubscribe(sid: UInt64, after maximum: UInt64?) {
        let (effects, handoff) = self.state.withLock { state in
            (state.removeSubscription(sid: sid, after: maximum), state.handOff(direct: false))
        }
        self.carryOut(handoff)
        self.perform(effects)
    }

    /// Closes the connection: pending operations fail, subscriptions end, the I/O thread stops.
    /// Returns when the I/O thread has finished. Calling it again does nothing more.
    public func close() async {
        self.perform(self.state.withLock { $0.close(reason: nil) })
        self.deadlines.stop()
        self.wake.signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = self.state.withLock { state -> Bool in
                if state.ioFinished { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    /// A fresh id for a flush or request waiter.
    func makeWaiterID() -> UInt64 {
        self.nextWaiterID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Runs effects returned by the state, outside the lock.
    func perform(_ effects: [ConnectionState.Effect]) {
        for effect in effects {
            switch effect {
            case .resume(let continuation, let error):
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            case .reply(let continuation, let result): continuation.resume(with: result.mapError { $0 as any Error })
            case .deliver(let buffer, let messages, let sid):
                let result = buffer.push(messages)
                if result.dropped > 0 { self.noteDropped(result, sid: sid) }
            case .finish(let buffer): buffer.finish()
            case .event(let event):
                self.eventContinuation.yield(event)
                if case .closed = event { self.eventContinuation.finish() }
            }
        }
    }

    /// Counts dropped messages; reports a slow consumer once per episode.
    private func noteDropped(_ result: SubscriptionBuffer.PushResult, sid: UInt64) {
        let subject = self.state.withLock { state -> String? in
            state.statistics.droppedMessages += UInt64(result.dropped)
            return state.subscriptions[sid]?.subject
        }
        if result.startedDropping, let subject {
            self.eventContinuation.yield(.slowConsumer(subject: subject, sid: sid))
        }
    }
}
