import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON

/// Where the time of one license verify goes (RS256, RSA-2048): each stage alone, single-threaded,
/// so the difference between `license-verify` and `rsa-verify` can be attributed.
enum VerifyStagesBenchmark {
    static func run(secondsPerFigure: Double, only: String?) throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        let token = try LicenseSigner.sign(claims: CryptoBenchmark.claims, key: key, algorithm: .rs256, keyID: "bench")
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2])
        else { throw LicenseError(.malformed, "the benchmark's own license does not decode") }
        let message = Array(parts.prefix(2).joined(separator: ".").utf8)
        let verifier = LicenseVerifier(trustedKeys: try VendorKeySet([(id: "bench", key: key.publicKey)]))
        let stages: [(String, () throws -> Void)] = [
            ("base64url-decode-3-parts", { for part in parts { _ = Base64URL.decode(part) } }),
            ("claims-from-payload", { _ = try payload.withUnsafeBytes { try LicenseClaims(payload: $0) } }),
            ("sha256-signing-input", { _ = SHA256.hash(message) }),
            (
                "rsa-verify-with-sha256",
                {
                    _ = try key.publicKey.isValidSignature(signature, for: message, scheme: .pkcs1v15(.sha256))
                }
            ),
            ("license-verify", { _ = try verifier.verifyIgnoringTime(token) }),
        ]
        for (name, body) in stages where only == nil || only == name {
            CryptoBenchmark.report("verify-stage", "stage=\(name)", try CryptoBenchmark.measure(secondsPerFigure, body))
        }
    }
}
