import Foundation
import LicenseBusJSON
import LicenseBusNATS
import LicenseBusSync
import LicenseBusTestSupport
import Testing

/// Collects a connection's events in the background.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ConnectionEvent] = []
    private var task: Task<Void, Never>?

    init(_ connection: NATSConnection) {
        self.task = Task { for await event in connection.events { self.lock.withLock { self.events.append(event) } } }
    }

    var all: [ConnectionEvent] { self.lock.withLock { self.events } }

    func contains(_ match: (ConnectionEvent) -> Bool) -> Bool { self.all.contains(where: match) }
}

extension FakeConnection {
    /// Reads a client's first request, with an empty body: its inbox `SUB <prefix>* <sid>` and
    /// `PUB <subject> <prefix><token> 0`, split into fields; nil if either is missing.
    fileprivate func readFirstRequest() throws -> (sub: [Substring], pub: [Substring])? {
        let lines = try self.read(until: "\r\n\r\n", timeout: 5).split(separator: "\r\n")
        guard let sub = lines.first(where: { $0.hasPrefix("SUB ") })?.split(separator: " "),
            let pub = lines.first(where: { $0.hasPrefix("PUB ") })?.split(separator: " ")
        else { return nil }
        return (sub, pub)
    }
}

@Suite("Against a scripted fake server", .timeLimit(.minutes(1)))
struct FakeServerTests {
    @Test("CONNECT says verbose false, pedantic false, protocol 1, headers and no_responders as INFO offers")
    func connectFields() async throws {
        let captured = Locked<String>("")
        let server = try FakeServer { connection, _ in
            let text = try connection.handshake()
            captured.withLock { $0 = text }
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url) { $0.name = "probe" })
        // The fake server stores what it read on its own thread, after it sent the PONG.
        #expect(await eventually { !captured.withLock { $0 }.isEmpty })
        let text = captured.withLock { $0 }
        let line = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("CONNECT ") })
        let json = try #require(try JSONParser.parse(Array(line.dropFirst(8).utf8)).objectValue)
        #expect(json["verbose"] == .bool(false))
        #expect(json["pedantic"] == .bool(false))
        #expect(json["protocol"] == .integer(1))
        #expect(json["headers"] == .bool(true))
        #expect(json["no_responders"] == .bool(true))
        #expect(json["name"] == .string("probe"))
        #expect(json["lang"] == .string("swift"))
        #expect(text.hasSuffix("PING\r\n"))
        await connection.close()
    }

    @Test("-ERR 'Stale Connection' drops the connection and it reconnects")
    func staleError() async throws {
        let server = try FakeServer { connection, index in
            try connection.handshake()
            if index == 1 {
                connection.send("-ERR 'Stale Connection'\r\n")
                return
            }
            _ = try? connection.read(until: "never", timeout: 3)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let log = EventLog(connection)
        #expect(await eventually { log.contains { if case .reconnected = $0 { true } else { false } } })
        #expect(
            log.contains {
                if case .disconnected(let error) = $0 { error.code == .staleConnection } else { false }
            }
        )
        #expect(server.acceptedCount >= 2)
        await connection.close()
    }

    @Test("-ERR 'Authorization Violation' on connect fails connect with that code")
    func authorizationViolationOnConnect() async throws {
        let server = try FakeServer { connection, _ in
            connection.send(FakeServer.info)
            try connection.read(until: "PING\r\n")
            connection.send("-ERR 'Authorization Violation'\r\n")
        }
        let error = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(try testConfiguration(server.url))
        }
        #expect(error?.code == .authorizationViolation)
    }

    @Test("the same auth error twice in a row while reconnecting stops reconnecting and closes")
    func repeatedAuthErrorStops() async throws {
        let server = try FakeServer { connection, index in
            if index == 1 {
                try connection.handshake()
                connection.send("-ERR 'Authorization Violation'\r\n")
                return
            }
            connection.send(FakeServer.info)
            try connection.read(until: "PING\r\n")
            connection.send("-ERR 'Authorization Violation'\r\n")
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let log = EventLog(connection)
        #expect(await eventually { connection.isClosed })
        #expect(
            await eventually {
                log.contains {
                    if case .closed(let error) = $0 { error?.code == .authorizationViolation } else { false }
                }
            }
        )
        let accepted = server.acceptedCount
        try await Task.sleep(for: .milliseconds(500))
        #expect(server.acceptedCount == accepted)
        #expect(accepted <= 3)
    }

    @Test(
        "with authErrorRetryWait, refused credentials are tried again at that wait, and the connection joins once they pass"
    )
    func authErrorRetry() async throws {
        // The first session ends after its handshake; the next four connections are refused;
        // the sixth is accepted.
        let server = try FakeServer { connection, index in
            if index == 1 || index >= 6 {
                try connection.handshake()
                if index >= 6 { _ = try? connection.read(until: "never", timeout: 5) }
                return
            }
            connection.send(FakeServer.info)
            try connection.read(until: "PING\r\n")
            connection.send("-ERR 'Authorization Violation'\r\n")
        }
        let start = ContinuousClock.now
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.authErrorRetryWait = .milliseconds(300) }
        )
        let log = EventLog(connection)
        #expect(await eventually(timeout: .seconds(5)) { server.acceptedCount >= 6 && connection.isConnected })
        let elapsed = ContinuousClock.now - start
        #expect(!connection.isClosed)
        // The first retry comes at the reconnect wait (100 ms), each of the four after a refusal 300 ms later.
        #expect(elapsed >= .milliseconds(1200), "joined after \(elapsed)")
        let refusals = log.all.filter {
            if case .connectFailed(_, let error) = $0 { error.code == .authorizationViolation } else { false }
        }
        #expect(refusals.count == 4)
        await connection.close()
    }

    @Test("INFO with connect_urls mid-stream adds servers; lame duck mode is reported")
    func infoMidStream() async throws {
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            Thread.sleep(forTimeInterval: 0.1)
            connection.send(
                "INFO {\"server_id\":\"FAKE\",\"headers\":true,\"connect_urls\":[\"127.0.0.1:1\",\"127.0.0.2:2\"],\"ldm\":true}\r\n"
            )
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let log = EventLog(connection)
        #expect(await eventually { log.contains { $0 == .discoveredServers(["127.0.0.1:1", "127.0.0.2:2"]) } })
        #expect(await eventually { log.contains { if case .lameDuckMode = $0 { true } else { false } } })
        await connection.close()
    }

    @Test("an INFO in the same read as the first PONG is not lost")
    func infoWithFirstPong() async throws {
        let server = try FakeServer { connection, _ in
            connection.send(FakeServer.info)
            try connection.read(until: "PING\r\n")
            connection.send(
                "PONG\r\nINFO {\"server_id\":\"FAKE\",\"headers\":true,\"max_payload\":2048,\"connect_urls\":[\"127.0.0.9:9\"]}\r\n"
            )
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        #expect(await eventually { connection.serverInfo.maxPayload == 2048 })
        let error = #expect(throws: NATSError.self) {
            try connection.publish([UInt8](repeating: 0, count: 4096), to: "x")
        }
        #expect(error?.code == .maxPayloadExceeded)
        await connection.close()
    }

    @Test("an INFO with missing fields connects with defaults; headers then refused locally")
    func minimalInfo() async throws {
        let server = try FakeServer { connection, _ in
            try connection.handshake(info: "INFO {\"server_id\":\"min\"}\r\n")
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        #expect(connection.serverInfo.maxPayload == 1_048_576)
        #expect(!connection.serverInfo.headers)
        let error = #expect(throws: NATSError.self) {
            try connection.publish([], to: "x", headers: NATSHeaders([("A", "b")]))
        }
        #expect(error?.code == .invalidHeader)
        await connection.close()
    }

    @Test("a server PING is answered with PONG")
    func serverPing() async throws {
        let answered = Locked(false)
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            connection.send("PING\r\n")
            try connection.read(until: "PONG\r\n")
            answered.withLock { $0 = true }
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        #expect(await eventually { answered.withLock { $0 } })
        await connection.close()
    }

    @Test(
        "a server that goes silent during the handshake fails the connect within connectTimeout",
        arguments: [
            "", "INFO {\"server_id\":\"HALF", FakeServer.info,
            "INFO {\"server_id\":\"FAKE\",\"proto\":1,\"tls_required\":true}\r\n",
        ]
    )
    func silentDuringHandshake(sent: String) async throws {
        // After `sent` (nothing, half an INFO, a whole INFO and no PONG, or a TLS handshake that
        // never gets an answer) the server keeps the socket open and says nothing more.
        let server = try FakeServer { connection, _ in
            connection.send(sent)
            _ = try? connection.read(until: "never", timeout: 3)
        }
        let start = ContinuousClock.now
        let error = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(
                try testConfiguration(server.url) {
                    $0.connectTimeout = .milliseconds(300)
                    $0.retryOnFailedConnect = false
                    $0.maxReconnectAttempts = 0
                }
            )
        }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .connectionFailed, "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(250) && elapsed < .milliseconds(1500), "took \(elapsed)")
    }

    @Test("bulk publishers writing into a full socket: every operation arrives once, whole and in order")
    func bulkWritesIntoAFullSocket() async throws {
        let received = Locked<[UInt8]>([])
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            connection.setReceiveBuffer(64 * 1024)
            // The socket fills while the server reads nothing; then it takes all up to the flush.
            Thread.sleep(forTimeInterval: 0.3)
            let bytes = try connection.readBytes(endingWith: "PING\r\n", timeout: 30)
            received.withLock { $0 = bytes }
            connection.send("PONG\r\n")
            _ = try? connection.read(until: "never", timeout: 5)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let count = 30_000
        let filler = [UInt8](repeating: UInt8(ascii: "y"), count: 188)
        // Two publishers at once, so bytes are also queued while the other one writes.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for publisher in 0..<2 {
                group.addTask {
                    for index in 0..<count {
                        let digits = String(index)
                        let tag = Array(
                            "p\(publisher)-\(String(repeating: "0", count: 8 - digits.count))\(digits)-".utf8
                        )
                        try connection.publish(tag + filler, to: "bulk")
                    }
                }
            }
            try await group.waitForAll()
        }
        try await connection.flush(timeout: .seconds(30))
        let bytes = received.withLock { $0 }
        let header = Array("PUB bulk 200\r\n".utf8)
        let operation = header.count + 202
        var position = 0
        var next = [0, 0]
        var fault: String?
        while fault == nil && position + operation <= bytes.count {
            let body = position + header.count
            let tag = String(decoding: bytes[body..<(body + 11)], as: UTF8.self)
            let publisher = tag.dropFirst().first.flatMap { Int(String($0)) }
            if !bytes[position..<body].elementsEqual(header) || bytes[body + 200] != 13 || bytes[body + 201] != 10 {
                fault = "no whole PUB at byte \(position)"
            } else if let publisher, publisher < 2, Int(tag.dropFirst(3)) == next[publisher] {
                next[publisher] += 1
            } else {
                fault = "\(tag) at byte \(position), expected the next of \(next)"
            }
            position += operation
        }
        #expect(fault == nil)
        #expect(next == [count, count])
        #expect(String(decoding: bytes[min(position, bytes.count)...], as: UTF8.self) == "PING\r\n")
        await connection.close()
    }

    @Test(
        "a server that stops reading: publish fails with buffer_full at the outbound limit, flush and drain end at their timeouts, close returns at once though a write is stuck"
    )
    func serverStopsReading() async throws {
        // After the handshake the server reads nothing until the publisher is done, then a few
        // MiB: the I/O thread takes the whole backlog as one batch and is stuck writing it.
        let publisherDone = DispatchSemaphore(value: 0)
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            _ = publisherDone.wait(timeout: .now() + 5)
            connection.discard(upTo: 4 * 1024 * 1024, timeout: 0.1)
            Thread.sleep(forTimeInterval: 10)
        }
        let limit = 16 * 1024 * 1024
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.outboundBufferLimit = limit }
        )
        let payload = [UInt8](repeating: 0x61, count: 64 * 1024)
        var published = 0
        var refusal: NATSError?
        // Up to 64 MiB: far past what the socket's buffers and the limit hold.
        while published < 1024 && refusal == nil {
            do {
                try connection.publish(payload, to: "stuck")
                published += 1
            } catch {
                refusal = error
            }
        }
        publisherDone.signal()
        #expect(refusal?.code == .bufferFull, "\(published) publishes, then \(String(describing: refusal))")
        #expect(published >= limit / payload.count - 2)  // the limit's worth was taken first
        #expect(connection.isConnected)  // a full buffer refuses a publish; it does not drop the connection
        var start = ContinuousClock.now
        await #expect(throws: NATSError.self) { try await connection.flush(timeout: .milliseconds(300)) }
        #expect(ContinuousClock.now - start < .seconds(1), "flush took \(ContinuousClock.now - start)")
        start = ContinuousClock.now
        await #expect(throws: NATSError.self) { try await connection.drain(timeout: .milliseconds(300)) }
        #expect(ContinuousClock.now - start < .seconds(1), "drain took \(ContinuousClock.now - start)")
        start = ContinuousClock.now
        await connection.close()
        #expect(ContinuousClock.now - start < .milliseconds(100), "close took \(ContinuousClock.now - start)")
    }

    @Test("a server that stops answering our PINGs is detected as stale")
    func silentServer() async throws {
        let server = try FakeServer { connection, index in
            try connection.handshake()
            _ = try? connection.read(until: "never", timeout: index == 1 ? 3 : 5)
        }
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) {
                $0.pingInterval = .milliseconds(100)
                $0.maxPingsOut = 2
            }
        )
        let log = EventLog(connection)
        let start = ContinuousClock.now
        #expect(
            await eventually {
                log.contains { if case .disconnected(let error) = $0 { error.code == .staleConnection } else { false } }
            }
        )
        #expect(ContinuousClock.now - start < .seconds(2))
        await connection.close()
    }

    @Test(
        "no responders fails at once in both server forms: 2.10's bare 503 and 2.12+'s with Nats-Subject",
        arguments: ["NATS/1.0 503\r\n\r\n", "NATS/1.0 503\r\nNats-Subject: nobody.home\r\n\r\n"]
    )
    func noRespondersForms(header: String) async throws {
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            guard let (sub, pub) = try connection.readFirstRequest() else { return }
            let length = header.utf8.count
            connection.send("HMSG \(pub[2]) \(sub[2]) \(length) \(length)\r\n\(header)\r\n")
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        await connection.expectNoResponders(at: "nobody.home", within: .seconds(1))
        await connection.close()
    }

    @Test(
        "replies on the inbox with a foreign, zero-padded, overflowing or unknown token are ignored; the right one answers"
    )
    func replyTokens() async throws {
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            guard let (sub, pub) = try connection.readFirstRequest() else { return }
            let inbox = sub[1].dropLast()  // "<prefix>*" -> "<prefix>"
            let token = pub[2].dropFirst(inbox.count)
            for wrong in ["!\(token)", "0\(token)", "zzzzzzzzzzzzz", "\(token)0"] {
                connection.send("MSG \(inbox)\(wrong) \(sub[2]) 5\r\nwrong\r\n")
            }
            connection.send("MSG \(pub[2]) \(sub[2]) 5\r\nright\r\n")
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let reply = try await connection.request([], to: "service", timeout: .seconds(5))
        #expect(reply.payload == Array("right".utf8))
        await connection.close()
    }

    @Test("messages read before a PONG have been through their handler when flush returns, even a slow one")
    func flushWaitsForHandlers() async throws {
        let server = try FakeServer { connection, _ in
            try connection.handshake()
            // SUB updates <sid>, then the flush's PING; both answered in one write.
            let lines = try connection.read(until: "PING\r\n", timeout: 5).split(separator: "\r\n")
            guard let sub = lines.first(where: { $0.hasPrefix("SUB ") })?.split(separator: " ") else { return }
            connection.send("MSG updates \(sub[2]) 3\r\none\r\nMSG updates \(sub[2]) 3\r\ntwo\r\nPONG\r\n")
            _ = try? connection.read(until: "never", timeout: 2)
        }
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let handled = Locked<[String]>([])
        _ = try connection.subscribe(to: "updates") { message in
            Thread.sleep(forTimeInterval: 0.2)
            handled.withLock { $0.append(message.string) }
        }
        try await connection.flush()
        #expect(handled.withLock { $0 } == ["one", "two"])
        await connection.close()
    }
}
