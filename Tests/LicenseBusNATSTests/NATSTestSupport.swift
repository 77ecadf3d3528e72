import LicenseBusNATS
import LicenseBusTestSupport
import Testing

/// A configuration for tests: fast reconnects, the given server(s).
func testConfiguration(
    _ urls: String...,
    configure: (inout NATSConfiguration) -> Void = { _ in }
) throws -> NATSConfiguration {
    var configuration = NATSConfiguration(
        servers: try urls.map { try ServerURL($0) },
        connectTimeout: .seconds(2),
        reconnectWait: .milliseconds(100),
        reconnectJitter: .milliseconds(20),
        maxReconnectAttempts: nil
    )
    configure(&configuration)
    return configuration
}

extension NATSConnection {
    /// Expects a request to `subject` to fail with `no_responders` within `limit`, long before
    /// its 5 s timeout.
    func expectNoResponders(
        at subject: String,
        within limit: Duration,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let start = ContinuousClock.now
        let error = await #expect(throws: NATSError.self, sourceLocation: sourceLocation) {
            try await self.request([], to: subject, timeout: .seconds(5))
        }
        #expect(error?.code == .noResponders, sourceLocation: sourceLocation)
        #expect(ContinuousClock.now - start < limit, sourceLocation: sourceLocation)
    }
}

extension NATSSubscription {
    /// Reads `count` messages, or fewer if the subscription ends or `timeout` passes.
    func collect(_ count: Int, timeout: Duration = .seconds(5)) async -> [NATSMessage] {
        let subscription = self
        return await withTaskGroup(of: [NATSMessage]?.self) { group in
            group.addTask {
                var messages: [NATSMessage] = []
                for await message in subscription {
                    messages.append(message)
                    if messages.count == count { break }
                }
                return messages
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }
}
