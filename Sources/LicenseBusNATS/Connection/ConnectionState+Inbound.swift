/// What the I/O thread must do after a batch of server operations.
struct InboundOutcome {
    var effects: [ConnectionState.Effect] = []
    /// Messages per subscription, in order of first arrival; each becomes one delivery.
    var deliveries: [(sid: UInt64, buffer: SubscriptionBuffer, messages: [NATSMessage])] = []
    /// Servers announced in `connect_urls`.
    var announcedServers: [String] = []
    /// An error after which the connection must be dropped (and reconnected, or closed).
    var fatal: NATSError?
}

extension ConnectionState {
    /// Applies server operations in order.
    mutating func handle(_ operations: [ServerOperation]) -> InboundOutcome {
        var taken = operations
        return self.handle(taking: &taken)
    }

    /// Applies server operations in order, moving each out of `operations` (left holding `.ok`s),
    /// so that a message's fields are not retained for a copy and released with the array.
    mutating func handle(taking operations: inout [ServerOperation]) -> InboundOutcome {
        var outcome = InboundOutcome()
        for index in operations.indices {
            var operation = ServerOperation.ok
            swap(&operation, &operations[index])
            switch consume operation {
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
                    break
                }
            }
            if outcome.fatal != nil { break }
        }
        // Deliveries go first: before finishes, so a subscription's last messages are queued, and
        // before a PONG's flush waiter, so messages that came before the PONG are delivered
        // (handlers have run) when `flush` returns.
        guard !outcome.deliveries.isEmpty else { return outcome }
        var effects: [Effect] = []
        effects.reserveCapacity(outcome.deliveries.count + outcome.effects.count)
        for delivery in outcome.deliveries {
            effects.append(.deliver(delivery.buffer, delivery.messages, sid: delivery.sid))
        }
        for effect in outcome.effects where !effect.isFinish { effects.append(effect) }
        for effect in outcome.effects where effect.isFinish { effects.append(effect) }
        outcome.effects = effects
        return outcome
    }

    private mutating func receive(_ inbound: consuming InboundMessage, into outcome: inout InboundOutcome) {
        self.statistics.inMessages += 1
        self.statistics.inBytes += UInt64(inbound.payload.count)
        let headers = inbound.headerBytes.flatMap(NATSHeaders.decode)
        let message = NATSMessage(
            subject: inbound.subject,
            replyTo: inbound.replyTo,
            headers: headers,
            payload: inbound.payload
        )
        // Compared by sid first, so that a plain message does not copy the inbox's prefix.
        if inbound.sid == self.inbox?.sid, let inbox = self.inbox {
            let token = inbound.subject.utf8.dropFirst(inbox.prefix.utf8.count)
            guard let id = RequestToken.decode(token),
                let continuation = self.requests.removeValue(forKey: id)
            else { return }
            if headers?.isNoResponders == true && inbound.payload.isEmpty {
                outcome.effects.append(
                    .reply(continuation, .failure(NATSError(.noResponders, "no one answers requests on that subject")))
                )
            } else {
                outcome.effects.append(.reply(continuation, .success(message)))
            }
            return
        }
        guard let index = self.subscriptions.index(forKey: inbound.sid) else { return }
        // In place: copying the subscription per message would retain and release its fields.
        let reachedMaximum = self.subscriptions.values[index].countDelivery()
        if let last = outcome.deliveries.indices.last, outcome.deliveries[last].sid == inbound.sid {
            outcome.deliveries[last].messages.append(message)
        } else if let earlier = outcome.deliveries.firstIndex(where: { $0.sid == inbound.sid }) {
            outcome.deliveries[earlier].messages.append(message)
        } else {
            outcome.deliveries.append((inbound.sid, self.subscriptions[index].value.buffer, [message]))
        }
        if reachedMaximum {
            let buffer = self.subscriptions[index].value.buffer
            self.subscriptions.remove(at: index)
            outcome.effects.append(.finish(buffer))
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
                    outcome.effects.append(.finish(subscription.buffer))
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
