import Testing

@testable import LicenseBusNATS

@Suite("Encoding what the client sends")
struct ClientCommandTests {
    private func encodedPublish(
        _ subject: String,
        reply: String?,
        headers: String?,
        payload: [UInt8],
        after existing: [UInt8] = []
    ) -> String {
        var buffer = existing
        payload.withUnsafeBytes { bytes in
            ClientCommand.publish(
                subject: subject,
                replyTo: reply,
                headers: headers.map { Array($0.utf8) },
                payload: bytes,
                into: &buffer
            )
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test(
        "PUB and HPUB are byte for byte the protocol's, at every digit count, after bytes already queued",
        arguments: [0, 1, 9, 10, 31, 32, 33, 99, 100, 999, 1000, 1006, 1007, 1024, 1025, 65_536]
    )
    func publish(size: Int) {
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let body = String(repeating: "x", count: size)
        #expect(encodedPublish("a.b", reply: nil, headers: nil, payload: payload) == "PUB a.b \(size)\r\n\(body)\r\n")
        #expect(
            encodedPublish("a.b", reply: "_INBOX.r.1", headers: nil, payload: payload, after: Array("PING\r\n".utf8))
                == "PING\r\nPUB a.b _INBOX.r.1 \(size)\r\n\(body)\r\n"
        )
        let headers = "NATS/1.0\r\nK: v\r\n\r\n"
        let total = headers.utf8.count + size
        #expect(
            encodedPublish("é.ü", reply: "r", headers: headers, payload: payload)
                == "HPUB é.ü r \(headers.utf8.count) \(total)\r\n\(headers)\(body)\r\n"
        )
        #expect(
            encodedPublish("s", reply: nil, headers: headers, payload: payload)
                == "HPUB s \(headers.utf8.count) \(total)\r\n\(headers)\(body)\r\n"
        )
    }

    @Test("every byte of subjects and payloads of every short length lands in place (word-wise copies)")
    func everyShortLength() {
        for length in 0...80 {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
            let subject = String((0..<max(1, length / 2)).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
            var buffer: [UInt8] = []
            payload.withUnsafeBytes {
                ClientCommand.publish(subject: subject, replyTo: nil, headers: nil, payload: $0, into: &buffer)
            }
            #expect(buffer == Array("PUB \(subject) \(length)\r\n".utf8) + payload + [13, 10], "length \(length)")
        }
    }

    @Test("SUB and UNSUB, with and without queue group and count, at the largest sid")
    func subscribeAndUnsubscribe() {
        var buffer: [UInt8] = []
        ClientCommand.subscribe(subject: "a.>", queue: nil, sid: 1, into: &buffer)
        ClientCommand.subscribe(subject: "jobs", queue: "workers", sid: .max, into: &buffer)
        ClientCommand.unsubscribe(sid: 7, after: nil, into: &buffer)
        ClientCommand.unsubscribe(sid: .max, after: .max, into: &buffer)
        #expect(
            String(decoding: buffer, as: UTF8.self)
                == "SUB a.> 1\r\nSUB jobs workers \(UInt64.max)\r\nUNSUB 7\r\nUNSUB \(UInt64.max) \(UInt64.max)\r\n"
        )
    }

    @Test("many publishes appended one after another keep every operation whole and in order")
    func manyInOneBuffer() {
        var buffer: [UInt8] = []
        var expected = ""
        for index in 0..<2000 {
            let payload = Array("m\(index)".utf8)
            payload.withUnsafeBytes {
                ClientCommand.publish(subject: "s.\(index)", replyTo: nil, headers: nil, payload: $0, into: &buffer)
            }
            expected += "PUB s.\(index) \(payload.count)\r\nm\(index)\r\n"
        }
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
    }
}
