import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

@Suite("Envelope: JWE dir + A256GCM (SPEC §2)")
struct LicenseEnvelopeTests {
    let license =
        (try? Fixtures.text("license-samples/licenses/perpetual-enterprise.jwt"))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""

    private func code(_ envelope: String, ring: DistributionKeyRing = SampleKeys.ring) -> LicenseError.Code? {
        do {
            _ = try LicenseEnvelope.open(envelope, ring: ring)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("seal then open gives the license back; the header is exactly the SPEC's")
    func roundTrip() throws {
        let envelope = try LicenseEnvelope.seal(self.license, ring: SampleKeys.ring)
        let parts = envelope.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 5)
        #expect(parts[1].isEmpty)
        #expect(Base64URL.decode(parts[2])?.count == 12)
        #expect(Base64URL.decode(parts[4])?.count == 16)
        let header = try JSONParser.parse(try #require(Base64URL.decode(parts[0])))
        #expect(
            header
                == .object([
                    "alg": .string("dir"), "enc": .string("A256GCM"), "kid": .string("dk-sample"),
                    "cty": .string("license+jwt"), "typ": .string("license+jwe"),
                ])
        )
        #expect(try LicenseEnvelope.open(envelope, ring: SampleKeys.ring) == self.license)
        #expect(try .object(LicenseEnvelope.header(of: envelope)) == header)
    }

    @Test("every envelope has a fresh IV")
    func freshIV() throws {
        var ivs = Set<String>()
        for _ in 0..<200 {
            let envelope = try LicenseEnvelope.seal(self.license, ring: SampleKeys.ring)
            ivs.insert(String(envelope.split(separator: ".", omittingEmptySubsequences: false)[2]))
        }
        #expect(ivs.count == 200)
    }

    @Test("a ring decrypts with any of its keys: rotation keeps the old key beside the new")
    func rotation() throws {
        let old = try LicenseEnvelope.seal(self.license, ring: SampleKeys.ring)
        let ringText = try Fixtures.text("license-samples/distribution.ring").trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        let newEntry = try DistributionKeyRing.makeEntryText(id: "dk-next").withUnsafeBytes {
            String(decoding: $0, as: UTF8.self)
        }
        let rotated = try DistributionKeyRing(parsing: newEntry + "," + ringText)
        #expect(try LicenseEnvelope.open(old, ring: rotated) == self.license)
        let new = try LicenseEnvelope.seal(self.license, ring: rotated)
        #expect(try LicenseEnvelope.header(of: new)["kid"] == .string("dk-next"))
        #expect(self.code(new) == .unknownKID)
    }

    @Test("unknown kid, a foreign key under our kid, and each tampered part give their codes")
    func hostile() throws {
        let envelope = try LicenseEnvelope.seal(self.license, ring: SampleKeys.ring)
        #expect(self.code(envelope, ring: SampleKeys.otherRing) == .unknownKID)
        let foreignKey = try DistributionKeyRing(
            parsing: "dk-sample:" + Base64URL.encode([UInt8](repeating: 9, count: 32))
        )
        #expect(self.code(envelope, ring: foreignKey) == .decryptFailed)
        var parts = envelope.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for index in [2, 3, 4] {
            var bytes = try #require(Base64URL.decode(parts[index]))
            bytes[0] ^= 0x01
            var tampered = parts
            tampered[index] = Base64URL.encode(bytes)
            #expect(self.code(tampered.joined(separator: ".")) == .decryptFailed, "part \(index)")
        }
        // The header is authenticated as AAD: a re-encoded but equivalent header fails the tag.
        parts[0] = Base64URL.encode(Array(#"{"kid":"dk-sample","alg":"dir","enc":"A256GCM"}"#.utf8))
        #expect(self.code(parts.joined(separator: ".")) == .decryptFailed)
    }

    @Test(
        "shape faults are malformed",
        arguments: [
            #"{"alg":"RSA-OAEP","enc":"A256GCM","kid":"dk-sample"}"#,
            #"{"alg":"dir","enc":"A128GCM","kid":"dk-sample"}"#,
            #"{"alg":"dir","enc":"A256GCM"}"#, #"{"alg":"dir","enc":"A256GCM","kid":7}"#,
            #"{"alg":"dir","enc":"A256GCM","kid":"dk-sample","zip":"DEF"}"#,
            #"{"alg":"dir","enc":"A256GCM","kid":"dk-sample","typ":"JWT"}"#,
            #"{"alg":"dir","enc":"A256GCM","kid":"dk-sample","cty":"text/plain"}"#, "[]", "not json",
            #"{"alg":"dir","enc":"A256GCM","kid":"dk-sample","kid":"dk-sample"}"#,
            #"{"alg":"dir","enc":"A256GCM","kid":"dk-sample","x":1,"x":1}"#,
            #"{"alg":"dir","enc":"A256GCM","kid":"dk-sample","crit":["exp"]}"#,
        ]
    )
    func headerShape(header: String) throws {
        let envelope = try LicenseEnvelope.seal(self.license, ring: SampleKeys.ring)
        var parts = envelope.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[0] = Base64URL.encode(Array(header.utf8))
        #expect(self.code(parts.joined(separator: ".")) == .malformed)
    }

    @Test("an unsupported header member is named in the error")
    func unsupportedMemberNamed() throws {
        let members = [#""zip":"DEF","b":1"#: "b", #""crit":["exp"],"a":1"#: "crit", #""enc2":"x""#: "enc2"]
        for (extra, named) in members {
            let text = #"{"alg":"dir","enc":"A256GCM","kid":"k",\#(extra)}"#
            let envelope = Base64URL.encode(Array(text.utf8)) + "..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA"
            let error = #expect(throws: LicenseError.self) { try LicenseEnvelope.header(of: envelope) }
            #expect(error?.code == .malformed)
            #expect(error?.message == "the envelope header has an unsupported member '\(named)'", "\(extra)")
        }
    }

    @Test("typ and cty are compared ignoring the case of ASCII letters, every other byte exactly")
    func headerTypeCase() throws {
        func header(type: String, contentType: String) -> String {
            let text = #"{"alg":"dir","enc":"A256GCM","kid":"k","typ":"\#(type)","cty":"\#(contentType)"}"#
            return Base64URL.encode(Array(text.utf8)) + "..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA"
        }
        for (type, contentType) in [("LICENSE+JWE", "License+JWT"), ("license+jwe", "LICENSE+jwt")] {
            #expect(throws: Never.self) { try LicenseEnvelope.header(of: header(type: type, contentType: contentType)) }
        }
        let misses = [
            ("license+jwe ", "license+jwt"), (#"license\u000bjwe"#, "license+jwt"), ("license+jwe", "license+jwe"),
            ("license+jwe", "application/license+jwt"), ("l\u{0130}cense+jwe", "license+jwt"),
        ]
        for (type, contentType) in misses {
            #expect(throws: LicenseError.self, "\(type) \(contentType)") {
                try LicenseEnvelope.header(of: header(type: type, contentType: contentType))
            }
        }
    }

    @Test("part faults are malformed: encrypted key present, IV not 96 bits, tag not 128 bits, bad base64url")
    func partShape() throws {
        let envelope = try LicenseEnvelope.seal(self.license, ring: SampleKeys.ring)
        let parts = envelope.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let edits: [(Int, String)] = [
            (1, "AAAA"), (2, Base64URL.encode([UInt8](repeating: 0, count: 16))),
            (4, Base64URL.encode([UInt8](repeating: 0, count: 12))),
            (3, "!!!!"), (2, ""), (4, ""),
        ]
        for (index, replacement) in edits {
            var edited = parts
            edited[index] = replacement
            #expect(self.code(edited.joined(separator: ".")) == .malformed, "part \(index) = \(replacement)")
        }
    }
}
