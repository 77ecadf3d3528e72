import LicenseBusJSON
import Testing

@Suite("Strict JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test("parses every kind of value, exact integers and escapes")
    func values() throws {
        let value = try parse(
            #" {"a": [1, -2, 3.5, 1e3, true, false, null], "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}} "#
        )
        let object = try #require(value.objectValue)
        #expect(
            object["a"]
                == .array([
                    .integer(1), .integer(-2), .decimal("3.5"), .decimal("1e3"), .bool(true), .bool(false), .null,
                ])
        )
        #expect(object["s"] == .string("x\"\\/\u{08}\u{0C}\n\r\té😀"))
        #expect(object["o"] == .object([:]))
    }

    @Test("integers past Int64 keep their text as a decimal, never rounded")
    func hugeNumbers() throws {
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("9223372036854775808") == .decimal("9223372036854775808"))
        #expect(try parse("-9223372036854775808") == .integer(.min))
        #expect(try parse("-9223372036854775809") == .decimal("-9223372036854775809"))
        #expect(try parse("-0") == .integer(0))
        #expect(
            try parse("[0, -7, 10, 1767225600]")
                == .array([.integer(0), .integer(-7), .integer(10), .integer(1_767_225_600)])
        )
        #expect(try parse("12.50") == .decimal("12.50"))
        #expect(try parse("-3E+2") == .decimal("-3E+2"))
        let huge = String(repeating: "9", count: 5000)
        #expect(try parse(huge) == .decimal(huge))
    }

    @Test(
        "rejects what RFC 8259 forbids and what JOSE should not accept",
        arguments: [
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{'a':1}", "{\"a\" 1}", "01", "1.", ".5", "+1", "1e", "-",
            "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
            "\"ctrl \u{01}\"", "{\"a\":1,\"a\":2}", "[1] [2]", "NaN", "Infinity", "[1,2", "{\"a\":}",
        ]
    )
    func rejects(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("{\"a\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        let overlong: [UInt8] = Array("\"".utf8) + [0xC0, 0xAF] + Array("\"".utf8)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(overlong) }
    }

    @Test("nesting is bounded: 32 levels parse, 33 and 100,000 are refused without recursion")
    func depth() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try parse(ok) }
        let tooDeep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(throws: JSONParser.Failure.self) { try parse(tooDeep) }
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try parse(hostile) }
    }

    @Test("writer output parses back to the same value, keys sorted")
    func writerRoundTrip() throws {
        let value: JSONValue = .object([
            "z": .integer(1), "a": .array([.string("q\"\n\u{01}"), .null, .decimal("1.5e9")]),
            "m": .object(["k": .bool(true)]),
        ])
        let compact = JSONWriter.compact(value)
        #expect(compact.hasPrefix("{\"a\":"))
        #expect(try parse(compact) == value)
        #expect(try parse(JSONWriter.pretty(value)) == value)
    }
}
