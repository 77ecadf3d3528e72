import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

/// Hostile input never crashes and ends quickly with a SPEC code.
@Suite("Hostile input", .timeLimit(.minutes(1)))
struct HostileInputTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let valid =
        (try? Fixtures.text("license-samples/licenses/perpetual-enterprise.jwt"))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""

    private func licenseCode(_ text: String) -> LicenseError.Code? {
        do {
            _ = try SampleKeys.verifier.verify(text, now: self.now)
            return nil
        } catch {
            return error.code
        }
    }

    private func envelopeCode(_ text: String) -> LicenseError.Code? {
        do {
            _ = try SampleKeys.verifier.verify(try LicenseEnvelope.open(text, ring: SampleKeys.ring), now: self.now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("every truncation of a valid license and of a valid envelope is refused with a code")
    func truncations() throws {
        #expect(self.licenseCode(self.valid) == nil)
        for length in 0..<self.valid.utf8.count {
            let prefix = String(decoding: self.valid.utf8.prefix(length), as: UTF8.self)
            #expect(self.licenseCode(prefix) != nil, "prefix of \(length) bytes passed")
        }
        let envelope = try LicenseEnvelope.seal(self.valid, ring: SampleKeys.ring)
        for length in stride(from: 0, to: envelope.utf8.count, by: 3) {
            let prefix = String(decoding: envelope.utf8.prefix(length), as: UTF8.self)
            #expect(self.envelopeCode(prefix) != nil, "prefix of \(length) bytes passed")
        }
    }

    @Test("each byte of the license flipped in turn is refused (or decodes to the same token)")
    func bitFlips() {
        var bytes = Array(self.valid.utf8)
        for index in bytes.indices {
            let original = bytes[index]
            bytes[index] ^= 0x02
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(self.licenseCode(text) != nil, "flip at \(index) passed")
            bytes[index] = original
        }
    }

    @Test(
        "junk of every shape ends in its code",
        arguments: [
            ("", LicenseError.Code.malformed), ("..", .malformed), ("a.b", .malformed), ("a.b.c.d", .malformed),
            ("!!!.###.$$$", .malformed), ("eyJ.eyJ.", .malformed),
            (String(repeating: ".", count: 10_000), .malformed),
            (String(repeating: "A", count: 1 << 20), .malformed),
            (String(repeating: "A", count: 40_000) + "." + String(repeating: "B", count: 20_000) + ".C", .malformed),
        ]
    )
    func junk(text: String, expected: LicenseError.Code) {
        #expect(self.licenseCode(text) == expected)
        #expect(self.envelopeCode(text) == .malformed)
    }

    @Test("1 MiB of random bytes, as a license and as an envelope")
    func randomMegabyte() throws {
        let junk = try SecureRandom.bytes(count: 1 << 20)
        let text = String(decoding: junk, as: UTF8.self)
        #expect(self.licenseCode(text) == .malformed)
        #expect(self.envelopeCode(text) == .malformed)
    }

    @Test("non-UTF-8 bytes in the header or payload are malformed")
    func nonUTF8() throws {
        let header = Array(#"{"alg":"RS256","typ":"license+jwt","x":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        let token = try TokenForge.token(headerBytes: header, payloadBytes: Array("{}".utf8))
        #expect(self.licenseCode(token) == .malformed)
        let payload: [UInt8] = Array(#"{"iss":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let token2 = try TokenForge.token(
            headerBytes: Array(JSONWriter.compact(.object(TokenForge.header)).utf8),
            payloadBytes: payload
        )
        #expect(self.licenseCode(token2) == .malformed)
    }

    @Test("deeply nested JSON in the header and in a signed payload is malformed, not a stack overflow")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let header = Base64URL.encode(Array(("{\"alg\":\"RS256\",\"x\":" + deep + "}").utf8))
        #expect(self.licenseCode(header + ".e30.AAAA") == .malformed)
        let token = try TokenForge.token(
            headerJSON: JSONWriter.compact(.object(TokenForge.header)),
            payloadJSON: "{\"x\":" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}"
        )
        #expect(self.licenseCode(token) == .malformed)
    }

    @Test("huge numbers in signed claims are malformed, never rounded into validity")
    func hugeNumbers() throws {
        for literal in ["1e400", "99999999999999999999999", "-1e999", "1767225600.0"] {
            let payload =
                #"{"iss":"https://vendor.example","aud":"ai-agent-os","sub":"c","jti":"j","edition":"enterprise","iat":"#
                + literal + "}"
            let token = try TokenForge.token(
                headerJSON: JSONWriter.compact(.object(TokenForge.header)),
                payloadJSON: payload
            )
            #expect(self.licenseCode(token) == .malformed, "iat \(literal)")
        }
    }

    @Test("a payload that is not an object (array, string, number) is malformed")
    func payloadNotObject() throws {
        for payload in ["[]", "\"license\"", "42", "null"] {
            let token = try TokenForge.token(
                headerJSON: JSONWriter.compact(.object(TokenForge.header)),
                payloadJSON: payload
            )
            #expect(self.licenseCode(token) == .malformed)
        }
    }
}
