import LicenseBusTestSupport
import Testing

@testable import LicenseBusNATS

/// Parses `bytes` in chunks cut at `splits`, collecting operations or the first error.
private func parse(_ bytes: [UInt8], splits: [Int] = []) -> Result<[ServerOperation], NATSError> {
    var parser = ProtocolParser()
    var operations: [ServerOperation] = []
    var start = 0
    for cut in (splits + [bytes.count]).sorted() where cut >= start {
        let chunk = Array(bytes[start..<cut])
        start = cut
        let result = chunk.withUnsafeBytes { buffer in
            Result { () throws(NATSError) in try parser.parse(buffer) { operations.append($0) } }
        }
        if case .failure(let error) = result { return .failure(error) }
    }
    return .success(operations)
}

private let corpus = Array(
    ("INFO {\"server_id\":\"S1\",\"max_payload\":1024,\"headers\":true,\"connect_urls\":[\"10.0.0.1:4222\"]}\r\n"
        + "MSG foo.bar 9 5\r\nhello\r\n"
        + "MSG foo.bar 9 reply.to 12\r\nhello\r\nworld\r\n"
        + "HMSG h 2 24 29\r\nNATS/1.0\r\nA: b\r\nA: c\r\n\r\nbody!\r\n"
        + "HMSG h 2 r 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
        + "PING\r\nPONG\r\n+OK\r\n-ERR 'Stale Connection'\r\n"
        + "msg lower 3 0\r\n\r\n"
        + "ping\r\n").utf8
)

@Suite("Protocol parser, no socket")
struct ProtocolParserTests {
    static let expected: [ServerOperation] = {
        var info = ServerInfo()
        info.serverID = "S1"
        info.maxPayload = 1024
        info.headers = true
        info.connectURLs = ["10.0.0.1:4222"]
        return [
            .info(info),
            .message(
                InboundMessage(subject: "foo.bar", sid: 9, replyTo: nil, headerBytes: nil, payload: Array("hello".utf8))
            ),
            .message(
                InboundMessage(
                    subject: "foo.bar",
                    sid: 9,
                    replyTo: "reply.to",
                    headerBytes: nil,
                    payload: Array("hello\r\nworld".utf8)
                )
            ),
            .message(
                InboundMessage(
                    subject: "h",
                    sid: 2,
                    replyTo: nil,
                    headerBytes: Array("NATS/1.0\r\nA: b\r\nA: c\r\n\r\n".utf8),
                    payload: Array("body!".utf8)
                )
            ),
            .message(
                InboundMessage(
                    subject: "h",
                    sid: 2,
                    replyTo: "r",
                    headerBytes: Array("NATS/1.0 503\r\n\r\n".utf8),
                    payload: []
                )
            ),
            .ping, .pong, .ok, .error("Stale Connection"),
            .message(InboundMessage(subject: "lower", sid: 3, replyTo: nil, headerBytes: nil, payload: [])),
            .ping,
        ]
    }()

    @Test("the corpus parses to the expected operations in one piece")
    func whole() throws {
        #expect(try parse(corpus).get() == Self.expected)
    }

    @Test("the corpus split at every byte boundary, and byte by byte, parses the same")
    func everySplit() throws {
        for cut in 0...corpus.count {
            #expect(try parse(corpus, splits: [cut]).get() == Self.expected, "split at \(cut)")
        }
        #expect(try parse(corpus, splits: Array(1..<corpus.count)).get() == Self.expected)
    }

    @Test("a 1 MiB payload in 1,000-byte pieces, and an empty one")
    func largePayload() throws {
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let bytes = Array("MSG big 1 \(payload.count)\r\n".utf8) + payload + [13, 10] + Array("MSG e 1 0\r\n\r\n".utf8)
        let operations = try parse(bytes, splits: Array(stride(from: 1000, to: bytes.count, by: 1000))).get()
        #expect(operations.count == 2)
        guard case .message(let big) = operations[0], case .message(let empty) = operations[1] else {
            Issue.record("not messages")
            return
        }
        #expect(big.payload == payload)
        #expect(empty.payload.isEmpty)
    }

    @Test(
        "malformed operations are protocol errors, never a crash",
        arguments: [
            "MSG foo 1\r\n", "MSG foo bar 1 baz 7\r\n", "MSG foo x 3\r\nabc\r\n", "MSG foo 1 -3\r\n",
            "MSG foo 1 3\r\nabcXY",
            "HMSG foo 1 3\r\n", "HMSG foo 1 30 20\r\n", "HMSG foo 1 2 2\r\n\r\n", "+Ox\r\n", "-ERx\r\n", "ZOO\r\n",
            "\r\n",
            "INFO not-json\r\n", "INFO [1,2]\r\n", "MSG foo 1 99999999999999999999\r\n", "MSG foo 1 67108865\r\n",
        ]
    )
    func malformed(text: String) {
        let result = parse(Array(text.utf8))
        guard case .failure(let error) = result else {
            Issue.record("\(text.debugDescription) parsed")
            return
        }
        #expect(error.code == .protocolError)
    }

    @Test("an over-long line without a newline ends in an error, not unbounded buffering")
    func overLongLine() {
        let junk = [UInt8](repeating: UInt8(ascii: "A"), count: ProtocolParser.maximumControlLineLength + 10)
        let result = parse(junk, splits: Array(stride(from: 4096, to: junk.count, by: 4096)))
        guard case .failure(let error) = result else {
            Issue.record("over-long line accepted")
            return
        }
        #expect(error.code == .protocolError)
    }

    @Test("lenient INFO: missing and mistyped fields take defaults")
    func lenientInfo() throws {
        let operations = try parse(Array("INFO {\"server_id\":\"x\",\"max_payload\":\"big\",\"headers\":1}\r\n".utf8))
            .get()
        guard case .info(let info) = operations.first else {
            Issue.record("no INFO")
            return
        }
        #expect(info.serverID == "x")
        #expect(info.maxPayload == 1_048_576)
        #expect(!info.headers)
        #expect(info.connectURLs.isEmpty)
    }

    @Test("1,000,000 random splits and mutations of the corpus never crash", .timeLimit(.minutes(2)))
    func randomized() {
        var generator = SplitMix64(seed: 0x5EED_CAFE)
        var outcomes = (parsed: 0, failed: 0)
        for _ in 0..<1_000_000 {
            var bytes = corpus
            for _ in 0..<Int(generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
                }
            }
            let splits = (0..<Int(generator.next() % 4)).map { _ in Int(generator.next() % UInt64(bytes.count + 1)) }
            switch parse(bytes, splits: splits) {
            case .success: outcomes.parsed += 1
            case .failure: outcomes.failed += 1
            }
        }
        #expect(outcomes.parsed > 0 && outcomes.failed > 0)
    }
}
