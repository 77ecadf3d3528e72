import LicenseBusJSON
import Testing

@Suite("Reading JSON value by value")
struct JSONReadingTests {
    private func read<Result>(
        _ text: String,
        _ body: (inout JSONParser) throws(JSONParser.Failure) -> Result
    ) throws(JSONParser.Failure) -> Result {
        let bytes = Array(text.utf8)
        let outcome = bytes.withUnsafeBytes { buffer in
            Swift.Result { () throws(JSONParser.Failure) -> Result in try JSONParser.read(buffer, body) }
        }
        return try outcome.get()
    }

    @Test("typed reads take their kind of value and leave any other kind unread")
    func typedReads() throws {
        let text = #" {"s": "x\u00e9", "n": 5, "a": ["p", 2], "o": {"k": null}} "#
        var seen: [String] = []
        try self.read(text) { parser throws(JSONParser.Failure) in
            let isObject = try parser.readMembers(key: { String(decoding: $0, as: UTF8.self) }) {
                parser,
                name throws(JSONParser.Failure) in
                seen.append(name)
                switch name {
                case "s":
                    #expect(try parser.readElements { _ throws(JSONParser.Failure) in } == false)
                    #expect(try parser.readString() == "xé")
                case "n":
                    #expect(try parser.readString() == nil)
                    #expect(parser.nextByte == UInt8(ascii: "5"))
                    #expect(try parser.readValue() == .integer(5))
                case "a":
                    var elements: [JSONValue] = []
                    #expect(
                        try parser.readElements { parser throws(JSONParser.Failure) in
                            elements.append(try parser.readValue())
                        }
                    )
                    #expect(elements == [.string("p"), .integer(2)])
                default:
                    #expect(try parser.readValue() == .object(["k": .null]))
                }
            }
            #expect(isObject)
        }
        #expect(seen == ["s", "n", "a", "o"])
    }

    @Test("rewinding reads a value again another way")
    func rewind() throws {
        let value = try self.read(#"["a", 1]"#) { parser throws(JSONParser.Failure) -> JSONValue in
            let start = parser.position
            var strings: [String] = []
            _ = try parser.readElements { parser throws(JSONParser.Failure) in
                if let text = try parser.readString() { strings.append(text) } else { _ = try parser.readValue() }
            }
            #expect(strings == ["a"])
            parser.rewind(to: start)
            return try parser.readValue()
        }
        #expect(value == .array([.string("a"), .integer(1)]))
    }

    @Test(
        "what the full parser refuses, a reader refuses at the same byte",
        arguments: ["{\"a\":1,}", "{\"a\" 1}", "[1,]", "{\"a\":1} x", "{\"a\":\"\u{01}\"}", "[\"\\ud800\"]", "{"]
    )
    func sameFailures(text: String) {
        let expected = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
        let failure = #expect(throws: JSONParser.Failure.self) {
            try self.read(text) { parser throws(JSONParser.Failure) in
                if try !parser.readMembers(
                    key: { _ in () },
                    { parser, _ throws(JSONParser.Failure) in
                        _ = try parser.readValue()
                    }
                ) {
                    _ = try parser.readValue()
                }
            }
        }
        #expect(failure == expected)
    }

    @Test("nesting is bounded for readers too: 32 levels are read, 33 refused")
    func depth() throws {
        func nested(_ levels: Int) -> String {
            String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        }
        func readArray(_ parser: inout JSONParser) throws(JSONParser.Failure) -> Bool {
            try parser.readElements { parser throws(JSONParser.Failure) in _ = try parser.readValue() }
        }
        #expect(try self.read(nested(32), readArray))
        #expect(throws: JSONParser.Failure.self) { try self.read(nested(33), readArray) }
    }

    private func prefix(_ count: Int) -> String { String(repeating: "a", count: count) }

    @Test("strings are scanned a word at a time: a special byte is found at every offset of every length")
    func wordScan() throws {
        let specials: [(insert: String, expected: String?)] = [
            ("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("é", "é"), ("🙂", "🙂"), ("\u{01}", nil), ("\u{1F}", nil),
            (" ", " "), ("~", "~"),
        ]
        for length in 0...24 {
            for position in 0...length {
                for special in specials {
                    let prefix = prefix(position)
                    let suffix = String(repeating: "b", count: length - position)
                    let text = "\"" + prefix + special.insert + suffix + "\""
                    if let expected = special.expected {
                        #expect(try JSONParser.parse(Array(text.utf8)) == .string(prefix + expected + suffix))
                    } else {
                        // A control character is named at its own offset: the scan stops on it.
                        let failure = #expect(throws: JSONParser.Failure.self) {
                            try JSONParser.parse(Array(text.utf8))
                        }
                        #expect(failure?.description == "control character in string at byte \(position + 1)")
                    }
                }
                // After a non-ASCII character the scan goes on, and still stops on what follows.
                let afterNonASCII =
                    "\"" + prefix(position) + "é\u{02}" + String(repeating: "b", count: length - position) + "\""
                let failure = #expect(throws: JSONParser.Failure.self) {
                    try JSONParser.parse(Array(afterNonASCII.utf8))
                }
                #expect(failure?.description == "control character in string at byte \(position + 3)")
                // Invalid UTF-8 is found wherever it sits.
                let bytes =
                    [UInt8(ascii: "\"")] + Array(repeating: UInt8(ascii: "a"), count: position) + [0xC3, 0x28]
                    + Array(repeating: UInt8(ascii: "b"), count: length - position) + [UInt8(ascii: "\"")]
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
                // An unterminated string is refused at any length.
                #expect(throws: JSONParser.Failure.self) {
                    try JSONParser.parse(Array(("\"" + String(repeating: "c", count: length)).utf8))
                }
            }
        }
    }
}
