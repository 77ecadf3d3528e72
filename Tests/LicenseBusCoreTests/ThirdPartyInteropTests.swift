import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

/// Runs a Python snippet (cryptography, joserfc: installed by scripts/test.sh) and returns its stdout.
private func python(_ code: String, input: String = "", environment: [String: String] = [:]) throws -> String {
    let result = try ProcessRunner.run("python3", ["-c", code], environment: environment, input: input)
    guard result.status == 0 else {
        Issue.record("python failed: \(result.stderr)")
        return ""
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

private let ringKeyB64 =
    (try? Fixtures.text("license-samples/distribution.ring"))?
    .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").last.map(String.init) ?? ""

@Suite("Interop with independent implementations (Python cryptography, joserfc)")
struct ThirdPartyInteropTests {
    let now = Date()

    @Test("an envelope sealed with Python's AESGCM opens here; ours opens there")
    func aesGCMBothWays() throws {
        let license = try LicenseSigner.sign(
            claims: SampleKeys.claims(),
            key: SampleKeys.vendorPrivate,
            keyID: "vendor-test"
        )
        let theirs = try python(
            """
            import base64, json, os, sys
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
            key = base64.urlsafe_b64decode(os.environ["KEY"] + "==")
            h = b(json.dumps({"alg":"dir","enc":"A256GCM","kid":"dk-sample","cty":"license+jwt","typ":"license+jwe"}).encode())
            iv = os.urandom(12)
            ct = AESGCM(key).encrypt(iv, sys.stdin.read().encode(), h.encode())
            print(".".join([h, "", b(iv), b(ct[:-16]), b(ct[-16:])]))
            """,
            input: license,
            environment: ["KEY": ringKeyB64]
        )
        #expect(try LicenseEnvelope.open(theirs, ring: SampleKeys.ring) == license)

        let ours = try LicenseEnvelope.seal(license, ring: SampleKeys.ring)
        let opened = try python(
            """
            import base64, os, sys
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            d = lambda x: base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
            h, k, iv, ct, tag = sys.stdin.read().strip().split(".")
            assert k == ""
            print(AESGCM(d(os.environ["KEY"])).decrypt(d(iv), d(ct) + d(tag), h.encode()).decode())
            """,
            input: ours,
            environment: ["KEY": ringKeyB64]
        )
        #expect(opened == license)
    }

    @Test("joserfc (a standard JOSE library) decrypts our envelope and verifies the license inside")
    func joserfcReadsOurs() throws {
        let license = try LicenseSigner.sign(
            claims: SampleKeys.claims(),
            key: SampleKeys.vendorPrivate,
            algorithm: .ps256,
            keyID: "vendor-test"
        )
        let envelope = try LicenseEnvelope.seal(license, ring: SampleKeys.ring)
        let output = try python(
            """
            import os, sys, json
            from joserfc import jwe, jws
            from joserfc.jwk import OctKey, RSAKey
            envelope = sys.stdin.read().strip()
            key = OctKey.import_key({"kty": "oct", "k": os.environ["KEY"]})
            registry = jwe.JWERegistry(algorithms=["dir", "A256GCM"])
            obj = jwe.decrypt_compact(envelope, key, registry=registry)
            pub = RSAKey.import_key(open(os.environ["PUB"]).read())
            token = jws.deserialize_compact(obj.plaintext, pub, algorithms=["PS256"])
            print(json.dumps({"header": token.protected, "claims": json.loads(token.payload)}))
            """,
            input: envelope,
            environment: ["KEY": ringKeyB64, "PUB": Fixtures.samples + "/keys/vendor-test.pem"]
        )
        let decoded = try JSONParser.parse(Array(output.utf8)).objectValue
        #expect(decoded?["header"]?.objectValue?["typ"] == .string("license+jwt"))
        #expect(decoded?["claims"]?.objectValue?["jti"] == .string("lic-test"))
    }

    @Test("a license signed and sealed by joserfc is accepted here", arguments: ["RS256", "PS256"])
    func joserfcMakesOne(algorithm: String) throws {
        let envelope = try python(
            """
            import os, json, time
            from joserfc import jwe, jws
            from joserfc.jwk import OctKey, RSAKey
            priv = RSAKey.import_key(open(os.environ["PRIV"]).read())
            claims = {"iss": "https://vendor.example", "aud": ["ai-agent-os"], "sub": "c", "jti": "joserfc-1",
                      "iat": int(time.time()), "edition": "enterprise", "features": ["x"]}
            alg = os.environ["ALG"]
            token = jws.serialize_compact({"alg": alg, "typ": "license+jwt", "kid": "vendor-test"},
                                          json.dumps(claims), priv, algorithms=[alg])
            key = OctKey.import_key({"kty": "oct", "k": os.environ["KEY"]})
            header = {"alg": "dir", "enc": "A256GCM", "kid": "dk-sample", "cty": "license+jwt", "typ": "license+jwe"}
            print(jwe.encrypt_compact(header, token, key, algorithms=["dir", "A256GCM"]))
            """,
            environment: [
                "KEY": ringKeyB64, "ALG": algorithm, "PRIV": Fixtures.samples + "/keys/vendor-test-private.pem",
            ]
        )
        let license = try SampleKeys.verifier.verify(
            try LicenseEnvelope.open(envelope, ring: SampleKeys.ring),
            now: self.now
        )
        #expect(license.claims.licenseID == "joserfc-1")
        #expect(license.algorithm.rawValue == algorithm)
    }
}
