extension ConnectionState {
    /// The handshake succeeded: resubscribe, re-arm auto-unsubscribes, then send deferred
    /// flush PINGs and the publishes kept while disconnected (never a partial operation:
    /// the reconnect buffer holds whole operations only).
    mutating func didConnect(info: ServerInfo, server: ServerURL) -> [Effect] {
        let wasReconnecting = self.phase == .reconnecting
        self.phase = .connected
        self.serverInfo = info
        self.pingsOut = 0
        var bytes: [UInt8] = []
        for (sid, subscription) in self.subscriptions.sorted(by: { $0.key < $1.key }) where !subscription.isDraining {
            ClientCommand.subscribe(subject: subscription.subject, queue: subscription.queue, sid: sid, into: &bytes)
            if let maximum = subscription.maximum {
                ClientCommand.unsubscribe(sid: sid, after: maximum - subscription.delivered, into: &bytes)
            }
        }
        for waiter in self.deferredFlushes {
            ClientCommand.ping(into: &bytes)
            self.pongWaiters.append(waiter)
        }
        self.deferredFlushes = []
        bytes += self.reconnectBuffer
        self.reconnectBuffer = []
        bytes += self.outbound[self.outboundSent...]
        self.outbound = bytes
        self.outboundSent = 0
        var effects: [Effect] = []
        if wasReconnecting {
            self.statistics.reconnects += 1
            effects.append(.event(.reconnected(server.description)))
        } else {
            effects.append(.event(.connected(server.description)))
        }
        if let waiter = self.connectWaiter {
            self.connectWaiter = nil
            effects.append(.resume(waiter, nil))
        }
        return effects
    }

    /// The socket is gone: flushes waiting on it fail, and what was queued for it is dropped
    /// (core NATS is at-most-once; subscriptions are restored from the table on reconnect).
    mutating func didDisconnect(_ error: NATSError) -> [Effect] {
        guard self.phase != .closed else { return [] }
        var effects: [Effect] = []
        let wasConnected = self.phase == .connected
        if self.phase == .connected { self.phase = .reconnecting }
        for waiter in self.pongWaiters {
            if let continuation = waiter.continuation {
                effects.append(
                    .resume(
                        continuation,
                        NATSError(.connectionFailed, "the connection dropped before the flush completed")
                    )
                )
            }
        }
        self.pongWaiters = []
        self.outbound = []
        self.outboundSent = 0
        self.wakeRequested = false
        self.startSession(directSocket: nil)
        if wasConnected { effects.append(.event(.disconnected(error))) }
        return effects
    }

    /// Closes for good: every waiter fails, every subscription ends.
    mutating func close(reason: NATSError?) -> [Effect] {
        guard self.phase != .closed else { return [] }
        self.phase = .closed
        self.startSession(directSocket: nil)
        let failure = reason ?? NATSError.closed
        var effects: [Effect] = []
        for waiter in self.pongWaiters + self.deferredFlushes {
            if let continuation = waiter.continuation { effects.append(.resume(continuation, failure)) }
        }
        self.pongWaiters = []
        self.deferredFlushes = []
        for continuation in self.requests.values { effects.append(.reply(continuation, .failure(failure))) }
        self.requests = [:]
        for subscription in self.subscriptions.values { effects.append(.finish(subscription.buffer)) }
        self.subscriptions = [:]
        if let waiter = self.connectWaiter {
            self.connectWaiter = nil
            effects.append(.resume(waiter, failure))
        }
        effects.append(.event(.closed(reason)))
        return effects
    }
}
