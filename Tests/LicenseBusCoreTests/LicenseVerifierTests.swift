import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

@Suite("License verification (SPEC §1, §5 order)")
struct LicenseVerifierTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let verifier = SampleKeys.verifier

    private func code(_ token: String, verifier: LicenseVerifier? = nil) -> LicenseError.Code? {
        do {
            _ = try (verifier ?? self.verifier).verify(token, now: self.now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test(
        "RS256 and PS256 licenses signed here verify, with every claim kept",
        arguments: [JWSAlgorithm.rs256, .ps256]
    )
    func roundTrip(algorithm: JWSAlgorithm) throws {
        var claims = SampleKeys.claims()
        claims["x-support-tier"] = .string("gold")
        claims["x-nested"] = .object(["a": .array([.integer(1)])])
        let token = try LicenseSigner.sign(
            claims: claims,
            key: SampleKeys.vendorPrivate,
            algorithm: algorithm,
            keyID: "vendor-test"
        )
        let license = try self.verifier.verify("  \n" + token + "\n", now: self.now)
        #expect(license.token == token)
        #expect(license.algorithm == algorithm)
        #expect(license.verifiedKeyID == "vendor-test")
        #expect(license.claims.features == ["sso"])
        #expect(license.claims.limits == ["max_instances": 5])
        #expect(license.claims.all["x-support-tier"] == .string("gold"))
        #expect(license.claims.all["x-nested"] == .object(["a": .array([.integer(1)])]))
        #expect(license.header["typ"] == .string("license+jwt"))
    }

    @Test("without kid every trusted key is tried; the one that verifies is reported")
    func noKidTriesAll() throws {
        let keys = try VendorKeySet([
            (id: "old", key: SampleKeys.otherPrivate.publicKey), (id: "new", key: SampleKeys.vendorPrivate.publicKey),
        ])
        let token = try LicenseSigner.sign(claims: SampleKeys.claims(), key: SampleKeys.vendorPrivate)
        let license = try LicenseVerifier(trustedKeys: keys).verify(token, now: self.now)
        #expect(license.verifiedKeyID == "new")
    }

    @Test("a kid selects only that key: the right signature under another trusted kid is bad_signature")
    func kidSelects() throws {
        let keys = try VendorKeySet([
            (id: "other", key: SampleKeys.otherPrivate.publicKey),
            (id: "vendor-test", key: SampleKeys.vendorPrivate.publicKey),
        ])
        let token = try LicenseSigner.sign(claims: SampleKeys.claims(), key: SampleKeys.vendorPrivate, keyID: "other")
        #expect(self.code(token, verifier: LicenseVerifier(trustedKeys: keys)) == .badSignature)
    }

    @Test(
        "each header fault gives its code",
        arguments: [
            (["alg": "none", "typ": "license+jwt"], LicenseError.Code.unsupportedAlg),
            (["alg": "HS256", "typ": "license+jwt"], .unsupportedAlg),
            (["alg": "ES256", "typ": "license+jwt"], .unsupportedAlg),
            (["alg": "rs256", "typ": "license+jwt"], .unsupportedAlg),
            (["alg": "RS384", "typ": "license+jwt"], .unsupportedAlg),
            (["alg": "RS256"], .wrongType),
            (["alg": "RS256", "typ": "JWT"], .wrongType),
            (["alg": "RS256", "typ": "license+jws"], .wrongType),
            (["alg": "RS256", "typ": "license+jwt", "kid": "nobody"], .untrustedKey),
        ]
    )
    func headerFaults(header: [String: String], expected: LicenseError.Code) throws {
        let token = try TokenForge.token(header: header.mapValues { .string($0) }, claims: SampleKeys.claims())
        #expect(self.code(token) == expected)
    }

    @Test("typ is compared case-insensitively and may carry application/")
    func typeVariants() throws {
        for type in ["LICENSE+JWT", "License+Jwt", "application/license+jwt", "APPLICATION/License+JWT"] {
            let token = try TokenForge.token(
                header: ["alg": .string("RS256"), "typ": .string(type)],
                claims: SampleKeys.claims()
            )
            #expect(self.code(token) == nil, "typ \(type)")
        }
    }

    @Test("typ differing in anything but the case of an ASCII letter is the wrong type")
    func typeNearMisses() throws {
        let types = [
            "", "license+jw", "license+jwtx", " license+jwt", "license+jwt ", "license\u{0B}jwt", "license-jwt",
            "l\u{0130}cense+jwt", "application/", "application.license+jwt", "xapplication/license+jwt",
            "application/application/license+jwt", "application/license+jwtx", "application\u{0F}license+jwt",
        ]
        for type in types {
            let token = try TokenForge.token(
                header: ["alg": .string("RS256"), "typ": .string(type)],
                claims: SampleKeys.claims()
            )
            #expect(self.code(token) == .wrongType, "typ \(type.debugDescription)")
        }
    }

    @Test("header faults of shape are malformed: alg missing or not a string, kid not a string, crit present")
    func headerShape() throws {
        let headers: [[String: JSONValue]] = [
            ["typ": .string("license+jwt")],
            ["alg": .string("RS256"), "typ": .string("license+jwt"), "kid": .integer(7)],
            ["alg": .string("RS256"), "typ": .string("license+jwt"), "crit": .array([.string("exp")])],
        ]
        for header in headers {
            #expect(self.code(try TokenForge.token(header: header, claims: SampleKeys.claims())) == .malformed)
        }
        let numericAlg = try TokenForge.token(
            header: ["alg": .integer(1), "typ": .string("license+jwt")],
            claims: SampleKeys.claims()
        )
        #expect(self.code(numericAlg) == .unsupportedAlg)
    }

    @Test(
        "the order of §5: a bad alg wins over a bad typ, a bad typ over a bad signature, a bad signature over bad claims"
    )
    func order() throws {
        let badBoth = try TokenForge.token(header: ["alg": .string("HS256")], claims: SampleKeys.claims())
        #expect(self.code(badBoth) == .unsupportedAlg)
        let otherKeyNoType = try TokenForge.token(
            header: ["alg": .string("RS256")],
            claims: SampleKeys.claims(),
            key: SampleKeys.otherPrivate
        )
        #expect(self.code(otherKeyNoType) == .wrongType)
        var badClaims = SampleKeys.claims()
        badClaims["iat"] = .string("yesterday")
        let forgedBadClaims = try TokenForge.token(
            header: TokenForge.header,
            claims: badClaims,
            key: SampleKeys.otherPrivate
        )
        #expect(self.code(forgedBadClaims) == .badSignature)
        var wrongAudienceAndExpired = SampleKeys.claims()
        wrongAudienceAndExpired["aud"] = .string("other")
        wrongAudienceAndExpired["exp"] = .integer(1_000)
        #expect(
            self.code(try TokenForge.token(header: TokenForge.header, claims: wrongAudienceAndExpired))
                == .wrongAudience
        )
    }

    @Test("issuer and audience: checked when configured, aud as string or array")
    func issuerAndAudience() throws {
        var claims = SampleKeys.claims()
        claims["aud"] = .array([.string("other-product"), .string("ai-agent-os")])
        #expect(self.code(try TokenForge.token(header: TokenForge.header, claims: claims)) == nil)
        claims["aud"] = .array([.string("other-product")])
        let token = try TokenForge.token(header: TokenForge.header, claims: claims)
        #expect(self.code(token) == .wrongAudience)
        #expect(self.code(token, verifier: LicenseVerifier(trustedKeys: SampleKeys.trusted)) == nil)
        claims = SampleKeys.claims()
        claims["iss"] = .string("https://evil.example")
        #expect(self.code(try TokenForge.token(header: TokenForge.header, claims: claims)) == .wrongIssuer)
    }

    @Test("no trusted key at all is untrusted_key")
    func emptyKeySet() throws {
        let token = try LicenseSigner.sign(claims: SampleKeys.claims(), key: SampleKeys.vendorPrivate)
        #expect(self.code(token, verifier: LicenseVerifier(trustedKeys: try VendorKeySet([]))) == .untrustedKey)
    }

    @Test("signing refuses claims that would make a malformed license")
    func signerChecksClaims() {
        var claims = SampleKeys.claims()
        claims.removeValue(forKey: "jti")
        let error = #expect(throws: LicenseError.self) {
            try LicenseSigner.sign(claims: claims, key: SampleKeys.vendorPrivate)
        }
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("jti") == true)
    }

    @Test("Code.all is exactly the SPEC §5 list, in order")
    func codeList() {
        #expect(
            LicenseError.Code.all.map(\.rawValue) == [
                "malformed", "unknown_kid", "decrypt_failed", "unsupported_alg", "wrong_type", "untrusted_key",
                "bad_signature", "wrong_issuer", "wrong_audience", "not_yet_valid", "expired", "stale",
                "clock_rollback",
                "cache_invalid",
            ]
        )
    }

    @Test("the header is read member by member: escaped names count, unknown members are kept, duplicates refused")
    func headerMembers() throws {
        let payload = JSONWriter.compact(.object(SampleKeys.claims()))
        let escaped = try TokenForge.token(
            headerJSON: #"{"\u0061lg":"RS256","typ":"license+jwt","kid":"vendor-test","x-note":[1,{"a":null}]}"#,
            payloadJSON: payload
        )
        let license = try self.verifier.verify(escaped, now: self.now)
        #expect(
            license.header == [
                "alg": .string("RS256"), "typ": .string("license+jwt"), "kid": .string("vendor-test"),
                "x-note": .array([.integer(1), .object(["a": .null])]),
            ]
        )
        for header in [
            #"{"alg":"RS256","typ":"license+jwt","alg":"RS256"}"#,
            #"{"alg":"RS256","typ":"license+jwt","kid":"vendor-test","x":1,"x":1}"#,
            #"{"alg":"RS256","typ":"license+jwt","\u0074yp":"license+jwt"}"#,
        ] {
            let token = try TokenForge.token(headerJSON: header, payloadJSON: payload)
            let error = #expect(throws: LicenseError.self) { try self.verifier.verify(token, now: self.now) }
            #expect(error?.code == .malformed)
            #expect(error?.message.contains("duplicate member name") == true, "\(header)")
        }
        let array = try TokenForge.token(headerJSON: "[1]", payloadJSON: payload)
        let error = #expect(throws: LicenseError.self) { try self.verifier.verify(array, now: self.now) }
        #expect(error?.message == "the license header is a JSON array, not an object")
    }

    @Test("the first part that is not base64url is named, in the order header, payload, signature")
    func partsDecodeInOrder() throws {
        let token = try LicenseSigner.sign(claims: SampleKeys.claims(), key: SampleKeys.vendorPrivate)
        let parts = token.split(separator: ".").map(String.init)
        let badCharacter = { (part: String) in "*" + part.dropFirst() }
        // No base64url text is 4n + 1 characters long.
        let badLength = { (part: String) in part + String(repeating: "A", count: (5 - part.count % 4) % 4) }
        let cases: [([String], String)] = [
            ([badCharacter(parts[0]), badCharacter(parts[1]), badCharacter(parts[2])], "license header"),
            ([badLength(parts[0]), badCharacter(parts[1]), parts[2]], "license header"),
            ([parts[0], badCharacter(parts[1]), badLength(parts[2])], "license payload"),
            ([parts[0], badLength(parts[1]), parts[2]], "license payload"),
            ([parts[0], parts[1], badCharacter(parts[2])], "license signature"),
            ([parts[0], parts[1], badLength(parts[2])], "license signature"),
        ]
        #expect(parts.allSatisfy { badLength($0).count % 4 == 1 })
        for (tampered, named) in cases {
            let error = #expect(throws: LicenseError.self) {
                try self.verifier.verify(tampered.joined(separator: "."), now: self.now)
            }
            #expect(error?.code == .malformed)
            #expect(error?.message == "the \(named) is not base64url", "\(tampered.map { $0.prefix(8) })")
        }
    }
}
