import LicenseBusSync

extension NATSConnection {
    /// Waits until the server has processed everything sent so far (a PING/PONG round trip).
    ///
    /// While reconnecting it waits for the reconnect, then sends its PING.
    /// - Parameter timeout: The longest wait (default 10 s).
    /// - Throws: ``NATSError`` `timeout`, `connectionClosed`, `connectionFailed` (the connection
    ///   dropped first), `cancelled`.
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let id = self.makeWaiterID()
        try await self.waitFor(id: id, timeout: timeout) { (continuation: CheckedContinuation<Void, any Error>) in
            let (effect, handoff) = self.state.withLock { state in
                (state.addFlush(id: id, continuation), state.handOff(direct: false))
            }
            self.carryOut(handoff)
            if let effect { self.perform([effect]) }
        }
    }

    /// Sends a request and waits for the first reply, on one shared inbox subscription
    /// (`<inboxPrefix>.<random>.*`), so many requests can be in flight at once.
    /// - Parameters:
    ///   - payload: The request payload.
    ///   - subject: Where to send it.
    ///   - headers: Headers, or nil.
    ///   - timeout: The longest wait (default 5 s).
    /// - Returns: The reply.
    /// - Throws: ``NATSError`` `noResponders` at once when nobody subscribes to `subject`,
    ///   `timeout`, `cancelled`, `connectionClosed`, and the errors of ``publish(_:to:replyTo:headers:)``.
    public func request(
        _ payload: [UInt8],
        to subject: String,
        headers: NATSHeaders? = nil,
        timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        let id = self.makeWaiterID()
        let token = RequestToken.encode(id)
        return try await self.waitFor(id: id, timeout: timeout) {
            (continuation: CheckedContinuation<NATSMessage, any Error>) in
            let outcome = payload.withUnsafeBytes { bytes in
                self.state.withLock { state -> Result<ConnectionState.WriteHandoff, NATSError> in
                    do throws(NATSError) {
                        let prefix = try self.ensureInbox(&state)
                        try state.enqueuePublish(
                            subject: subject,
                            replyTo: prefix + token,
                            headers: headers,
                            payload: bytes
                        )
                        state.requests[id] = continuation
                        // A request is sent by the caller when the socket is idle: it waits anyway.
                        return .success(state.handOff(direct: true))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            switch outcome {
            case .success(let handoff): self.carryOut(handoff)
            case .failure(let error): continuation.resume(throwing: error)
            }
        }
    }

    /// Drains: unsubscribes everything, waits until the server has sent the last messages for
    /// those subscriptions (they stay readable from the sequences), flushes what was published,
    /// then closes.
    /// - Parameter timeout: The longest wait for each round trip (default 30 s).
    /// - Throws: ``NATSError`` `timeout` or `connectionClosed`; the connection is closed either way.
    public func drain(timeout: Duration = .seconds(30)) async throws {
        let (sids, handoff) = self.state.withLock { state -> ([UInt64], ConnectionState.WriteHandoff) in
            guard !state.isClosed else { return ([], .none) }
            let inboxSID = state.inbox?.sid
            var drained: [UInt64] = []
            for sid in state.subscriptions.keys where sid != inboxSID {
                if state.phase == .connected { ClientCommand.unsubscribe(sid: sid, after: nil, into: &state.outbound) }
                state.subscriptions[sid]?.isDraining = true
                drained.append(sid)
            }
            return (drained, state.handOff(direct: false))
        }
        self.carryOut(handoff)
        var failure: (any Error)?
        do {
            try await self.flush(timeout: timeout)
        } catch {
            failure = error
        }
        // Messages of the drained subscriptions arrived before the PONG; end their sequences.
        let buffers = self.state.withLock { state in
            sids.compactMap { state.subscriptions.removeValue(forKey: $0)?.buffer }
        }
        buffers.forEach { $0.finish() }
        if failure == nil {
            do {
                try await self.flush(timeout: timeout)
            } catch {
                failure = error
            }
        }
        await self.close()
        if let failure { throw failure }
    }

    /// The inbox prefix, subscribing `<prefix>*` on first use.
    private func ensureInbox(_ state: inout ConnectionState) throws(NATSError) -> String {
        if let inbox = state.inbox { return inbox.prefix }
        let prefix = "\(self.configuration.inboxPrefix).\(RequestToken.random(22))."
        // Replies are routed to their waiters by token, never through this buffer.
        let sid = try state.addSubscription(subject: prefix + "*", queue: nil, buffer: SubscriptionBuffer(limit: 1))
        state.inbox = (prefix, sid)
        return prefix
    }

    /// Registers a waiter, and resolves it with `timeout` (through the connection's deadline
    /// timer) or `cancelled` if nothing else does first.
    func waitFor<Value: Sendable>(
        id: UInt64,
        timeout: Duration,
        register: (CheckedContinuation<Value, any Error>) -> Void
    ) async throws -> Value {
        defer { self.deadlines.cancel(id) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: NATSError(.cancelled, "the task was cancelled"))
                    return
                }
                register(continuation)
                self.deadlines.schedule(id, at: ContinuousClock.now.advanced(by: timeout))
            }
        } onCancel: {
            self.abandon(ids: [id], error: NATSError(.cancelled, "the task was cancelled"))
        }
    }

    /// Fails the waiters `ids` (flushes or requests) with `error`, those still waiting, under one lock.
    func abandon(ids: [UInt64], error: NATSError) {
        let effects = self.state.withLock { state -> [ConnectionState.Effect] in
            var effects: [ConnectionState.Effect] = []
            for id in ids {
                if let continuation = state.requests.removeValue(forKey: id) {
                    effects.append(.reply(continuation, .failure(error)))
                } else if let effect = state.abandonFlush(id: id, error: error) {
                    effects.append(effect)
                }
            }
            return effects
        }
        self.perform(effects)
    }
}
