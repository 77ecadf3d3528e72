import LicenseBusCore
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

/// The one-pass payload decoder against the two steps it replaces: parse the whole JSON
/// object, then type its claims. Same claims, same `all`, same error for every payload.
@Suite("Claim decoding in one pass")
struct ClaimDecodingTests {
    private func onePass(_ bytes: [UInt8]) -> Result<LicenseClaims, LicenseError> {
        bytes.withUnsafeBytes { buffer in
            Result { () throws(LicenseError) -> LicenseClaims in try LicenseClaims(payload: buffer) }
        }
    }

    private func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        self.expectSame(Array(text.utf8), sourceLocation: sourceLocation)
    }

    private func expectSame(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: bytes, as: UTF8.self)
        let expected = ClaimsInTwoSteps.decode(bytes)
        let actual = self.onePass(bytes)
        switch (expected, actual) {
        case (.success(let want), .success(let got)):
            #expect(got == want, "\(text)", sourceLocation: sourceLocation)
            #expect(got.all == want.all, "\(text)", sourceLocation: sourceLocation)
        case (.failure(let want), .failure(let got)):
            // `LicenseError`'s `==` compares codes only; the text must be the same too.
            #expect(got.code == want.code && got.message == want.message, "\(text)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(text): two steps give \(expected), one pass \(actual)", sourceLocation: sourceLocation)
        }
    }

    private static let valid =
        #"{"iss": "https://vendor.example", "aud": ["ai-agent-os", "x"], "sub": "cust-1", "jti": "lic-1","#
        + #" "iat": 1767225600, "nbf": 1767225000, "exp": 4102444800, "grace": 86400, "edition": "enterprise","#
        + #" "features": ["sso", "audit-log"], "limits": {"max_instances": 50}, "customer": "Bench Corp"}"#

    @Test("a full payload, and each claim's edge cases, decode as the two steps decode them")
    func knownCases() {
        self.expectSame(Self.valid)
        for text in [
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"community"}"#,
            #"{"iss":"i","aud":[],"sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"i","aud":["a",1],"sub":"s","jti":"j","iat":0,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","features":[],"limits":{}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":1,"a":2}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":"x","b":1,"a":3}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":1,"b":1.5}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":"x","b":1,"a":2,"b":3}}"#,
            // Found by scripts/fuzz.sh: a duplicate name after a non-integer, then broken text.
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"a":"x","a":2,"b"3}}"#,
            #"{"limits":{"a":"x","a":2,"b"3}}"#,
            // Found by scripts/fuzz.sh: several limits that are not integers.
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","limits":{"q":"x","z":[],"b":{},"m":1.5,"c":true,"a":1}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","features":["a",["b"]]}"#,
            #"{"\u0069ss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","iss":"again"}"#,
            #"{"iss":"caf\u00e9 🙂","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","x-nested":{"a":[1,{}]}}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":9223372036854775808,"edition":"e"}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","grace":-1}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","x":1,"x":2}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","x-support-tier-long":true}"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e"} x"#,
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e""#,
            "[1]", "\"text\"", "null", "", " ", "{}", "{\"iss\": \"\u{01}\"}",
            String(repeating: "[", count: 40),
            "{\"x\":" + String(repeating: "[", count: 31) + String(repeating: "]", count: 31) + "}",
            "{\"x\":" + String(repeating: "[", count: 32) + String(repeating: "]", count: 32) + "}",
        ] {
            self.expectSame(text)
        }
    }

    @Test("30,000 random payloads: mixed types, duplicates, escapes, unknown members, broken text")
    func randomPayloads() {
        var random = SplitMix64(seed: 0xC1A1_5EED)
        for _ in 0..<30_000 {
            self.expectSame(PayloadForge.bytes(&random))
        }
    }

    @Test("of several limits that are not integers, the one with the smallest name is named, every time")
    func smallestWrongLimitNamed() {
        let payload =
            #"{"iss":"i","aud":"a","sub":"s","jti":"j","iat":0,"edition":"e","#
            + #""limits":{"q":"x","z":[],"b":{},"m":1.5,"c":true,"a":1}}"#
        let bytes = Array(payload.utf8)
        for _ in 0..<20 {
            for result in [ClaimsInTwoSteps.decode(bytes), self.onePass(bytes)] {
                guard case .failure(let error) = result else {
                    Issue.record("accepted: \(result)")
                    continue
                }
                #expect(error.message == "limit 'b' is object, not an integer")
            }
        }
    }
}

/// Random license payloads: a valid one, then a few random changes (also used by the fast-path tests).
enum PayloadForge {
    static let names = [
        "iss", "aud", "sub", "jti", "iat", "nbf", "exp", "grace", "edition", "features", "limits", "customer",
        "x-tier", "x-support-tier", "\\u0069ss", "custome\\u0072", "Iss", "iss ", "features2",
    ]
    static let values = [
        #""vendor""#, #""https://vendor.example/licenses/1""#, #""caf\u00e9""#, #""café 🙂""#, #""a\"b\\c""#,
        #""""#, #""tab\there""#, "0", "-5", "1767225600", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999", "1.5", "1e3", "null", "true", "false", "[]", "{}", #"["sso", "audit-log"]"#,
        #"["x"]"#, #"["a", 1]"#, #"[["nested"]]"#, #"{"max_instances": 50}"#, #"{"a": 1, "b": 2}"#,
        #"{"a": 1, "a": 2}"#, #"{"a": "x"}"#, #"{"a": 1, "b": "x", "a": 3}"#, #"{"a": "x", "b": 1, "a": 2, "b": 3}"#,
        #"{"a": {"b": [true, null]}}"#,
    ]
    static let base: [(String, String)] = [
        ("iss", #""https://vendor.example""#), ("aud", #""ai-agent-os""#), ("sub", #""cust-1""#),
        ("jti", #""lic-1""#), ("iat", "1767225600"), ("edition", #""enterprise""#),
        ("features", #"["sso"]"#), ("limits", #"{"max_instances": 5}"#), ("customer", #""Corp""#),
    ]
    static let breakers: [UInt8] = Array("{}[],:\"\\x".utf8) + [0x01, 0xFF]

    static func bytes(_ random: inout SplitMix64) -> [UInt8] {
        var members = base.filter { _ in Int.random(in: 0..<10, using: &random) > 0 }
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let member = (names.randomElement(using: &random)!, values.randomElement(using: &random)!)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !members.isEmpty: members[Int.random(in: 0..<members.count, using: &random)].1 = member.1
            case 1 where !members.isEmpty: members.append(members.randomElement(using: &random)!)
            default: members.insert(member, at: Int.random(in: 0...members.count, using: &random))
            }
        }
        let space = [" ", "", "\n\t", "  "]
        let text =
            "{" + members.map { "\(space.randomElement(using: &random)!)\"\($0.0)\":\($0.1)" }.joined(separator: ",")
            + "}"
        var bytes = Array(text.utf8)
        switch Int.random(in: 0..<20, using: &random) {
        case 0: bytes = Array(values.randomElement(using: &random)!.utf8)
        case 1, 2: bytes[Int.random(in: 0..<bytes.count, using: &random)] = breakers.randomElement(using: &random)!
        case 3: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
        default: break
        }
        return bytes
    }
}
