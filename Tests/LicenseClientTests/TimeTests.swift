import Foundation
import LicenseBusCore
import LicenseBusLog
import LicenseBusTestSupport
import LicenseClient
import Testing

@Suite("Time: expiry, grace, clock rollback, future iat (injected clock)", .timeLimit(.minutes(1)))
struct TimeTests {
    /// A client holding `token` from its key file, at the clock's time.
    private func client(holding token: String, clock: TestClock, folder: TemporaryDirectory) throws -> LicenseClient {
        let client = try makeClient(broker: nil, folder: folder, waitTimeout: .milliseconds(10), clock: clock)
        try LicenseKeyFile(location: client.configuration.keyFile).write(try LicenseFactory.envelope(token))
        client.loadLocal(readOnly: false)
        return client
    }

    @Test("expiry and grace flip the state by themselves as the clock moves")
    func expiryAndGrace() throws {
        let start = Date()
        let clock = TestClock(start)
        let now = Int64(start.timeIntervalSince1970)
        let folder = try TemporaryDirectory()
        let client = try self.client(
            holding: try LicenseFactory.token(jti: "lic-t", issuedAt: now - 10, expiresAt: now + 100, grace: 1000),
            clock: clock,
            folder: folder
        )
        #expect(client.status.state == .enterprise)
        #expect(client.allows("sso"))
        clock.advance(100 + 60)
        #expect(client.status.state == .grace(endsAt: now + 1100))
        #expect(client.allows("sso"))
        clock.advance(1000)
        #expect(client.status.state == .community(reason: .expired))
        #expect(!client.allows("sso"))
        #expect(client.limits.isEmpty)
    }

    @Test("the changes sequence reports the flip at exp without any message")
    func changesAtExpiry() async throws {
        let folder = try TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970)
        let client = try makeClient(broker: nil, folder: folder, waitTimeout: .milliseconds(10))
        // exp - 60 s leeway puts the flip 3 s from now.
        try LicenseKeyFile(location: client.configuration.keyFile).write(
            try LicenseFactory.envelope(
                try LicenseFactory.token(jti: "lic-soon", issuedAt: now - 10, expiresAt: now - 57)
            )
        )
        await client.start()
        var states: [String] = []
        for await status in client.changes() {
            states.append(status.state.name)
            if states.count == 2 { break }
        }
        #expect(states == ["enterprise", "community"])
        await client.stop()
    }

    @Test("changes() taken before start begins with what the key file gives, not with the empty status before it")
    func changesBeforeStart() async throws {
        let folder = try TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970)
        let licensed = try makeClient(broker: nil, folder: folder, waitTimeout: .milliseconds(10))
        try LicenseKeyFile(location: licensed.configuration.keyFile).write(
            try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-first", issuedAt: now - 10))
        )
        let licensedChanges = licensed.changes()
        await licensed.start()
        var iterator = licensedChanges.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.state == .enterprise)
        #expect(first?.license?.claims.licenseID == "lic-first")
        await licensed.stop()
        #expect(await iterator.next() == nil)

        // No key file: the first status is community, told at start, not after the wait; no
        // license yet is logged as information, not as a warning.
        let emptyLog = MemoryLogSink()
        let empty = try makeClient(
            broker: nil,
            folder: try TemporaryDirectory(),
            waitTimeout: .seconds(30),
            log: emptyLog
        )
        var emptyChanges = empty.changes().makeAsyncIterator()
        let starting = Task { await empty.start() }
        let told = await emptyChanges.next()
        #expect(told?.state == .community(reason: nil))
        #expect(told?.source == LicenseSource.none)
        await empty.stop()
        await starting.value
        #expect(Self.stateLevels(emptyLog) == [.info])

        // A license in grace is warned about (SPEC §1).
        let graceLog = MemoryLogSink()
        let graceFolder = try TemporaryDirectory()
        let inGrace = try makeClient(broker: nil, folder: graceFolder, waitTimeout: .milliseconds(10), log: graceLog)
        try LicenseKeyFile(location: inGrace.configuration.keyFile).write(
            try LicenseFactory.envelope(
                try LicenseFactory.token(jti: "lic-grace", issuedAt: now - 1000, expiresAt: now - 500, grace: 86_400)
            )
        )
        await inGrace.start()
        #expect(inGrace.status.state.name == "grace")
        #expect(Self.stateLevels(graceLog) == [.warning])
        await inGrace.stop()
    }

    /// The levels of the "license state is ..." records.
    private static func stateLevels(_ log: MemoryLogSink) -> [LogLevel] {
        log.records.filter { $0.message.hasPrefix("license state is") }.map(\.level)
    }

    @Test("a clock more than 24 h behind the latest time seen grants nothing until it catches up")
    func rollback() throws {
        let start = Date()
        let clock = TestClock(start)
        let folder = try TemporaryDirectory()
        let now = Int64(start.timeIntervalSince1970)
        let client = try self.client(
            holding: try LicenseFactory.token(jti: "lic-rb", issuedAt: now - 10),
            clock: clock,
            folder: folder
        )
        #expect(client.status.state == .enterprise)
        #expect(client.status.detail == nil)
        clock.advance(-2 * 86_400)
        #expect(client.status.state == .community(reason: .clockRollback))
        #expect(client.status.detail?.contains("more than 24 h behind the latest time this instance has seen") == true)
        #expect(!client.allows("sso"))
        clock.advance(2 * 86_400)
        #expect(client.status.state == .enterprise)
        #expect(client.status.detail == nil)
        // The memory survives a restart: a new client with the clock rolled back starts community.
        let later = TestClock(start.addingTimeInterval(-3 * 86_400))
        let restarted = try makeClient(broker: nil, folder: folder, waitTimeout: .milliseconds(10), clock: later)
        restarted.loadLocal(readOnly: true)
        #expect(restarted.status.state == .community(reason: .clockRollback))
    }

    @Test("a license issued more than 5 minutes in the future is refused")
    func futureIssuedAt() throws {
        let folder = try TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970)
        let client = try self.client(
            holding: try LicenseFactory.token(jti: "lic-future", issuedAt: now + 3600),
            clock: TestClock(),
            folder: folder
        )
        #expect(client.status.state == .community(reason: .cacheInvalid))
        #expect(client.rejectedEnvelopes[.notYetValid] == 1)
    }

    @Test("allows(feature) answers from the held state, synchronously, call after call")
    func allowsIsSynchronous() throws {
        let folder = try TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970)
        let client = try self.client(
            holding: try LicenseFactory.token(jti: "lic-fast", issuedAt: now - 10),
            clock: TestClock(),
            folder: folder
        )
        var granted = 0
        for _ in 0..<10_000 where client.allows("sso") { granted += 1 }
        #expect(granted == 10_000)
    }
}

@Suite("Client lifecycle", .timeLimit(.minutes(1)))
struct LifecycleTests {
    @Test("start twice joins the bus once; stop releases a start that is still waiting")
    func startTwiceAndStop() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let client = try makeClient(broker: broker, folder: folder, waitTimeout: .seconds(30))
        let first = Task { await client.start() }
        try await Task.sleep(for: .milliseconds(200))
        let second = ContinuousClock.now
        await client.start()
        #expect(ContinuousClock.now - second < .milliseconds(100))
        let stopping = ContinuousClock.now
        await client.stop()
        await first.value
        #expect(ContinuousClock.now - stopping < .seconds(2))
        #expect(client.status.state == .community(reason: nil))
    }
}
