import LicenseBusSync
import Testing

@testable import LicenseBusNATS

@Suite("Headers, URLs, subjects")
struct ValueTypeTests {
    @Test("headers encode to the ADR-4 block and decode back, multi-value and case preserved")
    func headerRoundTrip() throws {
        var headers = NATSHeaders([("Trace-Id", "abc"), ("trace-id", "def")])
        headers.append("Multi", "1")
        headers.append("Multi", "2")
        let bytes = try headers.encoded()
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "NATS/1.0\r\nTrace-Id: abc\r\ntrace-id: def\r\nMulti: 1\r\nMulti: 2\r\n\r\n"
        )
        #expect(NATSHeaders.decode(bytes) == headers)
    }

    @Test("status lines: 503 alone, with a description, with extra spaces")
    func statusLines() {
        let plain = NATSHeaders.decode(Array("NATS/1.0 503\r\n\r\n".utf8))
        #expect(plain?.status == 503)
        #expect(plain?.isNoResponders == true)
        let described = NATSHeaders.decode(Array("NATS/1.0 404 No Messages\r\nNats-Subject: x\r\n\r\n".utf8))
        #expect(described?.status == 404)
        #expect(described?.statusDescription == "No Messages")
        #expect(described?["Nats-Subject"] == "x")
        #expect(NATSHeaders.decode(Array("HTTP/1.1 200\r\n\r\n".utf8)) == nil)
    }

    @Test("CR and LF in values become spaces; bad names are refused when encoding")
    func headerValidation() {
        var headers = NATSHeaders()
        headers.append("Key", "a\r\nInjected: yes")
        #expect(headers["Key"] == "a  Injected: yes")
        for name in ["", "a:b", "sp ace", "tab\t", "é"] {
            #expect(throws: NATSError.self) { try NATSHeaders([(name, "v")]).encoded() }
        }
    }

    @Test(
        "server URLs: scheme, host, port, credentials, IPv6, connect_urls form",
        arguments: [
            ("nats://127.0.0.1:4222", "nats", "127.0.0.1", 4222),
            ("tls://nats.example", "tls", "nats.example", 4222),
            ("localhost:5222", "nats", "localhost", 5222),
            ("nats://alice:p%40ss@host:1", "nats", "host", 1),
            ("nats://[::1]:4333", "nats", "::1", 4333),
            ("nats://tok@h", "nats", "h", 4222),
        ]
    )
    func urls(text: String, scheme: String, host: String, port: Int) throws {
        let url = try ServerURL(text)
        #expect(url.scheme == scheme)
        #expect(url.host == host)
        #expect(url.port == port)
    }

    @Test("credentials are parsed, and never shown")
    func credentials() throws {
        let user = try ServerURL("nats://alice:p%40ss@host:1")
        #expect(user.user == "alice")
        #expect(user.password == "p@ss")
        #expect(user.description == "nats://alice:***@host:1")
        let token = try ServerURL("nats://s3cr3t@host")
        #expect(token.token == "s3cr3t")
        #expect(!token.description.contains("s3cr3t"))
        let configuration = NATSConfiguration(servers: [user], password: "hunter2", token: "t0k")
        #expect(!configuration.description.contains("hunter2"))
        #expect(!configuration.description.contains("p@ss"))
        #expect(!configuration.description.contains("t0k"))
    }

    @Test("servers discovered by IP address keep the TLS name of the server that announced them")
    func discoveredTLSName() throws {
        var pool = ServerPool([try ServerURL("tls://nats.example:4222")], randomize: false, maxAttempts: nil)
        let added = pool.addDiscovered(
            ["10.0.0.2:4222", "nats-b.example:4222", "[fd00::3]:4222"],
            announcedBy: pool.entries[0].url
        )
        #expect(added.count == 3)
        let names = pool.entries.map { "\($0.url.scheme) \($0.url.host) \($0.url.tlsServerName)" }
        #expect(
            names == [
                "tls nats.example nats.example", "tls 10.0.0.2 nats.example", "tls nats-b.example nats-b.example",
                "tls fd00::3 nats.example",
            ]
        )
        // Reached by IP itself: a discovered IP is verified as itself.
        var byIP = ServerPool([try ServerURL("tls://10.0.0.1:4222")], randomize: false, maxAttempts: nil)
        _ = byIP.addDiscovered(["10.0.0.2:4222"], announcedBy: byIP.entries[0].url)
        #expect(byIP.entries[1].url.tlsServerName == "10.0.0.2")
        // And the name is inherited along a chain of announcements.
        _ = pool.addDiscovered(["10.0.0.9:4222"], announcedBy: pool.entries[1].url)
        #expect(pool.entries.last?.url.tlsServerName == "nats.example")
    }

    @Test(
        "bad URLs are refused naming the fault",
        arguments: ["http://h:1", "nats://:4222", "nats://h:0", "nats://h:99999", "nats://h:x", ""]
    )
    func badURLs(text: String) {
        let error = #expect(throws: NATSError.self) { try ServerURL.list(text) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("subject rules")
    func subjects() {
        for valid in ["a", "a.b", "a.*.c", "a.>", "_INBOX.x.y", "license.key"] { #expect(SubjectRules.isValid(valid)) }
        for invalid in ["", ".", "a.", ".a", "a..b", "a b", "a\tb", "a\r", "a\n"] {
            #expect(!SubjectRules.isValid(invalid))
        }
    }

    @Test("request tokens: every id comes back; empty, foreign bytes, leading zeros and overflow are refused")
    func requestTokens() {
        var generator = SystemRandomNumberGenerator()
        let ids: [UInt64] =
            [0, 1, 61, 62, 3843, 3844, UInt64.max - 1, UInt64.max] + (0..<1000).map { _ in generator.next() }
        for id in ids {
            let token = RequestToken.encode(id)
            #expect(SubjectRules.isValid("_INBOX.x." + token))
            #expect(RequestToken.decode(token[...].utf8) == id)
        }
        #expect(RequestToken.encode(62) == "10")
        #expect(RequestToken.encode(UInt64.max) == "LygHa16AHYF")
        for bad in ["", "-", "A!", "a.b", "é", "00", "01", "LygHa16AHYG", "zzzzzzzzzzzz"] {
            #expect(RequestToken.decode(bad[...].utf8) == nil, "\(bad)")
        }
        #expect(RequestToken.decode("0"[...].utf8) == 0)
    }
}

@Suite("Connection state machine, no socket")
struct ConnectionStateTests {
    private func buffer() -> SubscriptionBuffer { SubscriptionBuffer(limit: 10) }

    @Test(
        "reconnect writes SUBs (queue groups kept), re-armed remaining counts, then deferred PINGs, then buffered publishes"
    )
    func resubscribeOrder() throws {
        var state = ConnectionState(configuration: NATSConfiguration())
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        let plain = try state.addSubscription(subject: "updates", queue: nil, buffer: self.buffer())
        let queued = try state.addSubscription(subject: "jobs", queue: "workers", buffer: self.buffer())
        let limited = try state.addSubscription(subject: "limited", queue: nil, buffer: self.buffer())
        _ = state.removeSubscription(sid: limited, after: 5)
        _ = state.handle([
            .message(InboundMessage(subject: "limited", sid: limited, replyTo: nil, headerBytes: nil, payload: []))
        ])
        _ = state.didDisconnect(NATSError(.connectionFailed, "gone"))
        #expect(state.phase == .reconnecting)
        try [UInt8]("late".utf8).withUnsafeBytes {
            try state.enqueuePublish(subject: "out", replyTo: nil, headers: nil, payload: $0)
        }
        #expect(state.outbound.isEmpty)
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://b:2"))
        let text = String(decoding: state.outbound, as: UTF8.self)
        #expect(
            text
                == "SUB updates \(plain)\r\nSUB jobs workers \(queued)\r\nSUB limited \(limited)\r\nUNSUB \(limited) 4\r\nPUB out 4\r\nlate\r\n"
        )
        #expect(state.statistics.reconnects == 1)
    }

    @Test("publishers wake an idle I/O thread once; one that holds bytes to write comes back for the queue itself")
    func wakeOnlyWhenIdle() throws {
        var state = ConnectionState(configuration: NATSConfiguration())
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        var inflight: [UInt8] = []
        if state.takeQueue(into: &inflight, releasing: false) { inflight.removeAll() }
        #expect(!state.takeQueue(into: &inflight, releasing: true))
        func publish(_ text: String) throws -> ConnectionState.WriteHandoff {
            try Array(text.utf8).withUnsafeBytes {
                try state.enqueuePublish(subject: "s", replyTo: nil, headers: nil, payload: $0)
            }
            return state.handOff(direct: false)
        }
        func isWake(_ handoff: ConnectionState.WriteHandoff) -> Bool {
            if case .wake = handoff { true } else { false }
        }
        #expect(isWake(try publish("1")))
        #expect(!isWake(try publish("2")))
        #expect(state.takeQueue(into: &inflight, releasing: false))
        #expect(String(decoding: inflight, as: UTF8.self) == "PUB s 1\r\n1\r\nPUB s 1\r\n2\r\n")
        #expect(!isWake(try publish("3")))
        inflight.removeAll()
        #expect(state.takeQueue(into: &inflight, releasing: true))
        #expect(String(decoding: inflight, as: UTF8.self) == "PUB s 1\r\n3\r\n")
        inflight.removeAll()
        #expect(!state.takeQueue(into: &inflight, releasing: true))
        #expect(inflight.isEmpty)
        #expect(isWake(try publish("4")))
    }

    @Test("a caller's direct write: its buffer comes back as the next queue; unsent bytes go before later ones")
    func directWrites() throws {
        let server = try FakeServer { connection, _ in _ = try? connection.read(until: "never", timeout: 5) }
        var state = try ConnectionState.sessionWithDirectSocket(to: server, NATSConfiguration())
        func publish(_ text: String) throws {
            try Array(text.utf8).withUnsafeBytes {
                try state.enqueuePublish(subject: "s", replyTo: nil, headers: nil, payload: $0)
            }
        }
        func written(_ handoff: ConnectionState.WriteHandoff) -> ([UInt8], UInt64)? {
            if case .write(let bytes, _, _, _, let generation) = handoff { (bytes, generation) } else { nil }
        }
        try publish("1")
        let (firstBytes, firstGeneration) = try #require(written(state.handOff(direct: true)))
        #expect(String(decoding: firstBytes, as: UTF8.self) == "PUB s 1\r\n1\r\n")
        #expect(state.outbound.capacity == 0)
        let firstCount = firstBytes.count
        let firstStorage = firstBytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        // Handed over as the writer does: nothing else holds the buffer, so it can be reused.
        var handedBack = consume firstBytes
        let wakeAfterFirst = state.finishDirectWrite(
            &handedBack,
            sent: firstCount,
            bulk: false,
            generation: firstGeneration
        )
        #expect(!wakeAfterFirst)
        try publish("2")
        let second = try #require(written(state.handOff(direct: true)))
        // The first write's buffer is the queue again: the same storage, emptied.
        let queueStorage = state.outbound.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        #expect(state.outbound.isEmpty && queueStorage == firstStorage)
        try publish("3")
        // A writer is busy, so this publisher wakes the I/O thread instead of writing.
        let whileWriting = state.handOff(direct: true)
        #expect(written(whileWriting) == nil)
        #expect({ if case .wake = whileWriting { true } else { false } }())
        var secondBytes = second.0
        let wakeAgain = state.finishDirectWrite(&secondBytes, sent: 9, bulk: false, generation: second.1)
        #expect(!wakeAgain)
        #expect(state.unsentText == "2\r\nPUB s 1\r\n3\r\n")
        state.startSession(directSocket: nil)
        var late = Array("late".utf8)
        let wakeAfterStale = state.finishDirectWrite(&late, sent: 0, bulk: false, generation: second.1)
        #expect(!wakeAfterStale)
        #expect(state.unsentText == "2\r\nPUB s 1\r\n3\r\n")
    }

    @Test("what a direct write left unsent dies with its session: the next one starts with its own first byte")
    func partialWriteEndsWithSession() throws {
        let server = try FakeServer { connection, _ in _ = try? connection.read(until: "never", timeout: 5) }
        var state = try ConnectionState.sessionWithDirectSocket(to: server, NATSConfiguration())
        _ = try state.addSubscription(subject: "kept", queue: nil, buffer: SubscriptionBuffer(limit: 10))
        try Array("lost".utf8).withUnsafeBytes {
            try state.enqueuePublish(subject: "s", replyTo: nil, headers: nil, payload: $0)
        }
        guard case .write(var bytes, _, _, _, let generation) = state.handOff(direct: true) else {
            Issue.record("a caller should write the queue")
            return
        }
        _ = state.finishDirectWrite(&bytes, sent: 3, bulk: false, generation: generation)
        #expect(state.outboundSent == 3)
        _ = state.didDisconnect(NATSError(.connectionFailed, "gone"))
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        #expect(state.outboundSent == 0)
        #expect(state.unsentText == "SUB kept 1\r\n")
    }

    @Test("the outbound limit counts the batch being written, by the I/O thread or by a caller, until it is written")
    func limitCountsTheBatch() throws {
        let server = try FakeServer { connection, _ in _ = try? connection.read(until: "never", timeout: 5) }
        var configuration = NATSConfiguration()
        configuration.outboundBufferLimit = 100
        var state = try ConnectionState.sessionWithDirectSocket(to: server, configuration)
        // 40 payload bytes and the 41 bytes allowed for the command fit the limit once.
        func publish() throws {
            try [UInt8](repeating: 0x61, count: 40).withUnsafeBytes {
                try state.enqueuePublish(subject: "s", replyTo: nil, headers: nil, payload: $0)
            }
        }
        try publish()
        #expect(throws: NATSError(.bufferFull, "")) { try publish() }
        var inflight: [UInt8] = []
        #expect(state.takeQueue(into: &inflight, releasing: false))
        #expect(state.outbound.isEmpty)
        #expect(throws: NATSError(.bufferFull, "")) { try publish() }
        inflight.removeAll()
        #expect(!state.takeQueue(into: &inflight, releasing: true))
        try publish()
        guard case .write(var bytes, _, _, _, let generation) = state.handOff(direct: true) else {
            Issue.record("a caller should write the queue")
            return
        }
        #expect(throws: NATSError(.bufferFull, "")) { try publish() }
        _ = state.finishDirectWrite(&bytes, sent: bytes.count, bulk: false, generation: generation)
        try publish()
    }

    @Test("the deadline timer reports live ids once, in deadline order, and never a cancelled one")
    func deadlines() async throws {
        let timer = DeadlineTimer()
        let reports = Locked<[[UInt64]]>([])
        timer.onExpiry { ids in reports.withLock { $0.append(ids) } }
        let start = ContinuousClock.now
        for (id, milliseconds) in [(1, 40), (2, 80), (3, 120), (4, 160)] as [(UInt64, Int)] {
            timer.schedule(id, at: start.advanced(by: .milliseconds(milliseconds)))
        }
        timer.cancel(1)
        timer.cancel(3)
        try await Task.sleep(for: .milliseconds(600))
        // A cancelled id is neither reported nor a reason for the timer to wake.
        #expect(reports.withLock { $0 }.flatMap { $0 } == [2, 4])
        timer.stop()
    }

    @Test("PONGs resolve flushes in order; a timed-out flush keeps its place")
    func pongOrder() throws {
        var state = ConnectionState(configuration: NATSConfiguration())
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        state.pongWaiters = [ConnectionState.PongWaiter(id: 1), ConnectionState.PongWaiter(id: 2)]
        #expect(state.abandonFlush(id: 1, error: NATSError(.timeout, "t")) == nil)
        _ = state.handle([.pong])
        #expect(state.pongWaiters.map(\.id) == [2])
    }

    @Test(
        "-ERR kinds: some drop the connection, some are only reported",
        arguments: [
            ("Stale Connection", NATSError.Code?.some(.staleConnection)),
            ("Authorization Violation", .authorizationViolation),
            ("User Authentication Expired", .authenticationExpired),
            ("Maximum Payload Violation", .serverError),
            ("Permissions Violation for Publish to \"x\"", nil),
            ("maximum subscriptions exceeded", nil),
            ("Invalid Subject", nil),
        ]
    )
    func errorKinds(text: String, fatal: NATSError.Code?) throws {
        var state = ConnectionState(configuration: NATSConfiguration())
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        let outcome = state.handle([.error(text)])
        #expect(outcome.fatal?.code == fatal)
    }

    @Test("a subscription permission violation ends that subscription only")
    func subscriptionPermission() throws {
        var state = ConnectionState(configuration: NATSConfiguration())
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        let denied = try state.addSubscription(subject: "secret", queue: nil, buffer: self.buffer())
        let allowed = try state.addSubscription(subject: "public", queue: nil, buffer: self.buffer())
        let outcome = state.handle([.error("Permissions Violation for Subscription to \"secret\"")])
        #expect(outcome.fatal == nil)
        #expect(state.subscriptions[denied] == nil)
        #expect(state.subscriptions[allowed] != nil)
    }
}
