/// What the I/O thread must do after a batch of server operations.
struct InboundOutcome {
    var effects: [ConnectionState.Effect] = []
    /// Servers announced in `connect_urls`.
    var announcedServers: [String] = []
    /// An error after which the connection must be dropped (and reconnected, or closed).
    var fatal: NATSError?
}

extension ConnectionState {
    /// Applies server operations in order.
    mutating func handle(_ operations: [ServerOperation]) -> InboundOutcome {
        var outcome = InboundOutcome()
        for operation in operations {
            switch operation {
            case .message(let message): self.receive(message, into: &outcome)
            case .ping: ClientCommand.pong(into: &self.outbound)
            case .pong:
                self.pingsOut = 0
                if !self.pongWaiters.isEmpty, let continuation = self.pongWaiters.removeFirst().continuation {
                    outcome.effects.append(.resume(continuation, nil))
                }
            case .ok: break
            case .info(let info):
                self.serverInfo = info
                outcome.announcedServers += info.connectURLs
                if info.lameDuckMode { outcome.effects.append(.event(.lameDuckMode(info.serverName))) }
            case .error(let text):
                if let fatal = self.serverError(text, into: &outcome) {
                    outcome.fatal = fatal
                    return outcome
                }
            }
        }
        return outcome
    }

    private mutating func receive(_ inbound: InboundMessage, into outcome: inout InboundOutcome) {
        self.statistics.inMessages += 1
        self.statistics.inBytes += UInt64(inbound.payload.count)
        let headers = inbound.headerBytes.flatMap(NATSHeaders.decode)
        let message = NATSMessage(subject: inbound.subject, replyTo: inbound.replyTo, headers: headers, payload: inbound.payload)
        if let inbox = self.inbox, inbound.sid == inbox.sid {
            let token = String(inbound.subject.dropFirst(inbox.prefix.count))
            guard let continuation = self.requests.removeValue(forKey: token) else { return }
            if headers?.isNoResponders == true && inbound.payload.isEmpty {
                outcome.effects.append(.reply(continuation, .failure(NATSError(.noResponders, "no one answers requests on that subject"))))
            } else {
                outcome.effects.append(.reply(continuation, .success(message)))
            }
            return
        }
        guard var subscription = self.subscriptions[inbound.sid] else { return }
        subscription.delivered += 1
        outcome.effects.append(.deliver(subscription.continuation, message, sid: inbound.sid))
        if let maximum = subscription.maximum, subscription.delivered >= maximum {
            self.subscriptions[inbound.sid] = nil
            outcome.effects.append(.finish(subscription.continuation))
        } else {
            self.subscriptions[inbound.sid] = subscription
        }
    }

    /// Sorts a `-ERR` by kind: some close the connection, some do not (SRV and ADR-40).
    /// Returns the error when the connection must be dropped.
    private mutating func serverError(_ text: String, into outcome: inout InboundOutcome) -> NATSError? {
        let normalized = text.lowercased()
        if normalized.hasPrefix("permissions violation") {
            let error = NATSError(.permissionViolation, "the server refused: \(text)")
            outcome.effects.append(.event(.error(error)))
            if normalized.contains("for subscription to") {
                // The server dropped that interest: end the matching subscriptions.
                for (sid, subscription) in self.subscriptions where text.contains("\"\(subscription.subject)\"") {
                    self.subscriptions[sid] = nil
                    outcome.effects.append(.finish(subscription.continuation))
                }
            }
            return nil
        }
        if normalized.hasPrefix("maximum subscriptions exceeded") || normalized.hasPrefix("invalid subject")
            || normalized.hasPrefix("invalid publish subject")
        {
            outcome.effects.append(.event(.error(NATSError(.serverError, "the server refused: \(text)"))))
            return nil
        }
        if normalized == "stale connection" {
            return NATSError(.staleConnection, "the server closed the connection as stale")
        }
        if normalized.hasPrefix("authorization violation") {
            return NATSError(.authorizationViolation, "the server refused the credentials (\(text))")
        }
        if normalized.hasPrefix("user authentication expired") || normalized.hasPrefix("user authentication revoked")
            || normalized.hasPrefix("account authentication expired")
        {
            return NATSError(.authenticationExpired, "the server refused the credentials (\(text))")
        }
        return NATSError(.serverError, "the server reported: \(text)")
    }
}
