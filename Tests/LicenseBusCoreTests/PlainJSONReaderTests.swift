import LicenseBusJSON
import LicenseBusTestSupport
import Testing

@testable import LicenseBusCore

/// The fast reader of plain JSON and the fast paths built on it (license payload, JOSE header):
/// they must take what real tokens hold, give exactly what the full reader gives, and leave
/// everything else to it.
@Suite("Plain JSON fast paths")
struct PlainJSONReaderTests {
    private static func read<Result>(_ text: String, _ body: (inout PlainJSONReader) -> Result) -> Result {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer in
            var reader = PlainJSONReader(buffer)
            return body(&reader)
        }
    }

    private static func plainClaims(_ text: String) -> LicenseClaims? {
        Array(text.utf8).withUnsafeBytes { LicenseClaims(plainPayload: $0) }
    }

    @Test(
        "integers: JSON's non-negative integers of up to 18 digits, nothing else",
        arguments: [
            ("0", Int64?.some(0)), ("7", 7), ("50 ", 50), ("123456789012345678", 123_456_789_012_345_678),
            ("1234567890123456789", nil), ("01", nil), ("00", nil), ("0.5", nil), ("1e3", nil), ("1E3", nil),
            ("-1", nil), ("", nil), ("x", nil), ("\"1\"", nil),
        ]
    )
    func integers(text: String, expected: Int64?) {
        #expect(Self.read(text) { $0.integer() } == expected)
    }

    @Test("strings: ASCII without escapes or control bytes, whatever the offset of the first other byte")
    func strings() {
        for length in 0..<24 {
            let plain = String(repeating: "a", count: length)
            #expect(Self.read("\"\(plain)\"") { $0.string().map { Array($0) } } == Array(plain.utf8))
            #expect(Self.read("\"\(plain)\u{7F}\"") { $0.string()?.count } == length + 1, "DEL is plain")
            for offset in 0...length {
                for special in ["\\\"", "\\u0041", "\u{1F}", "é", "\t"] {
                    var text = plain
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: offset))
                    #expect(Self.read("\"\(text)\"") { $0.string() } == nil, "\(special.debugDescription) at \(offset)")
                }
                let early = String(plain.prefix(offset))
                #expect(Self.read("\"\(early)\"x\"") { $0.string().map { Array($0) } } == Array(early.utf8))
            }
            #expect(Self.read("\"\(plain)") { $0.string() } == nil, "unterminated")
        }
    }

    @Test("a whole object: white space anywhere between tokens, nothing after it")
    func wholeObject() {
        let readAll = { (text: String) -> [String]? in
            Self.read(text) { reader -> [String]? in
                var names: [String] = []
                let isPlain = reader.readWholeObject { reader, name in
                    names.append(String(decoding: name, as: UTF8.self))
                    return reader.readArray { $0.integer() != nil }
                }
                return isPlain ? names : nil
            }
        }
        #expect(readAll(#"{"a":[1,2],"b":[]}"#) == ["a", "b"])
        #expect(readAll(" \t\r\n{ \"a\" : [ 1 , 2 ] ,\n\"b\":[ ] } \n") == ["a", "b"])
        #expect(readAll("{}") == [])
        for text in [
            #"{"a":[1,2]} x"#, #"{"a":[1,2],}"#, #"{"a":[1,]}"#, #"{"a" [1]}"#, #"{"a":[1]"#, #"{"a":[1 2]}"#,
            #"{,}"#, #"[1]"#, "", #"{"a":[1]}}"#,
        ] {
            #expect(readAll(text) == nil, "\(text)")
        }
    }

    /// Payloads a vendor's tool writes: the fast path must take them.
    static let plainPayloads = [
        #"{"iss":"https://vendor.example","aud":"ai-agent-os","sub":"cust-1","jti":"lic-bench","iat":1767225600,"#
            + #""edition":"enterprise","features":["sso","audit-log"],"limits":{"max_instances":50},"customer":"Bench Corp"}"#,
        #"{"iss": "https://vendor.example", "aud": ["ai-agent-os", "x"], "sub": "cust-1", "jti": "lic-1","#
            + #" "iat": 1767225600, "nbf": 1767225000, "exp": 4102444800, "grace": 86400, "edition": "enterprise","#
            + #" "features": ["sso", "audit-log", "a", "b", "c"], "limits": {"max_instances": 50, "seats": 0}, "customer": "Bench Corp"}"#,
        #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"community"}"#,
        #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","features":[],"limits":{}}"#,
        "{\n  \"edition\" : \"e\",\n  \"iat\" : 5,\n  \"jti\" : \"j\",\n  \"sub\" : \"s\",\n  \"aud\" : \"a\",\n  \"iss\" : \"i\"\n}\n",
    ]

    @Test("plain payloads take the fast path, to the claims and `all` of the two steps", arguments: plainPayloads)
    func plainPayload(text: String) throws {
        let fast = try #require(Self.plainClaims(text))
        let reference = try ClaimsInTwoSteps.decode(Array(text.utf8)).get()
        #expect(fast == reference)
        #expect(fast.all == reference.all)
    }

    @Test(
        "anything else is left to the full reader",
        arguments: [
            #"{"iss":"caf\u00e9","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"café","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"\u0069ss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","x-tier":"gold"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","iss":"again"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":1,"a":2}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":"x"}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","features":["a",1]}"#,
            #"{"iss":"i","aud":[],"sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"i","aud":["a",["b"]],"sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":-1,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":1.5,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":1e3,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":9223372036854775807,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":"0","edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","grace":-1}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","customer":null}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0}"#,
            #"{"aud":"a","sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e"} x"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e""#, "{}", "[]", "",
        ]
    )
    func notPlain(text: String) {
        #expect(Self.plainClaims(text) == nil)
    }

    @Test("30,000 random payloads: what the fast path takes, the two steps accept with the same claims")
    func randomPayloads() {
        var random = SplitMix64(seed: 0x9_1A1E)
        var taken = 0
        for _ in 0..<30_000 {
            let bytes = PayloadForge.bytes(&random)
            guard let fast = bytes.withUnsafeBytes({ LicenseClaims(plainPayload: $0) }) else { continue }
            taken += 1
            guard case .success(let reference) = ClaimsInTwoSteps.decode(bytes) else {
                Issue.record("the fast path took what the two steps refuse: \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            #expect(fast == reference && fast.all == reference.all, "\(String(decoding: bytes, as: UTF8.self))")
        }
        // The forge keeps about a tenth of its payloads plain (2,657 with this seed); a fast path
        // that gave up on everything would pass the checks above.
        #expect(taken > 2_000, "the fast path took \(taken) of 30,000")
    }

    @Test("JOSE headers: random members, values and faults read as the whole JSON object reads")
    func randomHeaders() {
        let names = ["alg", "typ", "kid", "enc", "cty", "crit", "x5t", "a\\u006cg", "zip"]
        let values = [
            #""RS256""#, #""license+jwt""#, #""dk-1""#, #""caf\u00e9""#, #""é""#, "1", "-2", "1.5", "true", "null",
            #"["exp"]"#, "[]", "{}", #""""#,
        ]
        var random = SplitMix64(seed: 0x4EAD)
        var plain = 0
        for _ in 0..<20_000 {
            var members: [String] = []
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                members.append("\"\(names.randomElement(using: &random)!)\":\(values.randomElement(using: &random)!)")
            }
            var bytes = Array(
                ("{" + members.joined(separator: [",", " , "].randomElement(using: &random)!) + "}").utf8
            )
            if Int.random(in: 0..<8, using: &random) == 0 {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = Array("{}[]\",:x\u{01}".utf8).randomElement(
                    using: &random
                )!
            }
            let header = bytes.withUnsafeBytes { buffer in
                Result { () throws(LicenseError) -> JOSEHeader in try JOSEHeader(decoding: buffer, part: "header") }
            }
            let object = bytes.withUnsafeBytes { buffer in
                Result { () throws(LicenseError) -> [String: JSONValue] in try decodeObject(buffer, part: "header") }
            }
            switch (header, object) {
            case (.success(let header), .success(let object)):
                #expect(header.object == object, "\(String(decoding: bytes, as: UTF8.self))")
                var fast = JOSEHeader()
                if bytes.withUnsafeBytes({ fast.readPlain($0) }) {
                    plain += 1
                    #expect(fast == header, "\(String(decoding: bytes, as: UTF8.self))")
                }
            case (.failure(let got), .failure(let want)):
                #expect(got.message == want.message, "\(String(decoding: bytes, as: UTF8.self))")
            default:
                Issue.record("\(String(decoding: bytes, as: UTF8.self)): header \(header), object \(object)")
            }
        }
        // A fast path that gave up on everything would pass the checks above.
        #expect(plain > 2_000, "the fast path took \(plain) of 20,000")
    }

    @Test("a token split into 1 to 7 parts: only the asked count is accepted, and the error names the count")
    func partCounts() {
        for partCount in [3, 5] {
            for count in 1...7 {
                let text = Array(repeating: "e30", count: count).joined(separator: ".")
                let result = Result { () throws(LicenseError) -> CompactToken in
                    try CompactToken(text, partCount: partCount, what: "token")
                }
                switch result {
                case .success(let token):
                    #expect(count == partCount)
                    #expect((0..<count).map { token.ranges[$0] } == (0..<count).map { $0 * 4..<$0 * 4 + 3 })
                case .failure(let error):
                    let expected =
                        count > partCount
                        ? "the token has more than \(partCount) parts"
                        : "the token has \(count == 1 ? "1 part" : "\(count) parts"); \(partCount) are required"
                    #expect(error.message == expected)
                }
            }
        }
    }
}
