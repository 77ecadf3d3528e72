import Foundation
import LicenseBusNATS
import LicenseBusSync
import LicenseBusTestSupport
import Testing

@Suite("Slow consumers", .timeLimit(.minutes(1)))
struct SlowConsumerTests {
    @Test("a full subscription buffer drops new messages, counts them, and reports once per episode")
    func drops() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.subscriptionBufferLimit = 10 }
        )
        let reports = Locked(0)
        let watcher = Task {
            for await event in connection.events {
                if case .slowConsumer(let subject, _) = event, subject == "firehose" { reports.withLock { $0 += 1 } }
            }
        }
        let subscription = try connection.subscribe(to: "firehose")
        try await connection.flush()
        for index in 0..<100 { try connection.publish(Array("\(index)".utf8), to: "firehose") }
        try await connection.flush()
        #expect(await eventually { connection.statistics.droppedMessages == 90 })
        #expect(subscription.pendingCount == 10)
        #expect(await eventually { reports.withLock { $0 } == 1 })
        // The oldest ten were kept; reading them ends the episode.
        #expect(await subscription.collect(10).map(\.string) == (0..<10).map { String($0) })
        for index in 0..<30 { try connection.publish(Array("again-\(index)".utf8), to: "firehose") }
        try await connection.flush()
        #expect(await eventually { reports.withLock { $0 } == 2 })
        #expect(connection.isConnected)
        watcher.cancel()
        await connection.close()
    }
}
