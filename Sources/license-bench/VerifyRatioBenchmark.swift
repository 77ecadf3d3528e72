import LicenseBusCore
import LicenseBusCrypto

/// The whole license verify against OpenSSL's RSA operation alone (a prehashed digest checked on
/// a context set up once, as `openssl speed` measures it), run in alternating 10 ms slices in one
/// process, so that the ratio holds while this VM's speed drifts by up to 2x within minutes.
enum VerifyRatioBenchmark {
    static func run(seconds: Double) throws {
        for bits in [2048, 3072] {
            let key = try RSAPrivateKey.generate(bits: bits)
            let verifier = LicenseVerifier(trustedKeys: try VendorKeySet([(id: "bench", key: key.publicKey)]))
            for algorithm in JWSAlgorithm.allCases {
                let token = try LicenseSigner.sign(
                    claims: CryptoBenchmark.claims,
                    key: key,
                    algorithm: algorithm,
                    keyID: "bench"
                )
                let parts = token.split(separator: ".")
                let digest = SHA256.hash(Array(parts.prefix(2).joined(separator: ".").utf8))
                let signature = Base64URL.decode(parts[2]) ?? []
                let scheme: RSASignatureScheme = algorithm == .rs256 ? .pkcs1v15(.sha256) : .pss(.sha256)
                let verifyLicense = { _ = try verifier.verifyIgnoringTime(token) }
                let verifyDigest = {
                    _ = try signature.withUnsafeBytes { signature in
                        try digest.withUnsafeBytes {
                            try key.publicKey.isValidSignature(signature, forDigest: $0, scheme: scheme)
                        }
                    }
                }
                var license = Tally()
                var rsa = Tally()
                _ = try CryptoBenchmark.run(milliseconds: 200, verifyLicense)
                _ = try CryptoBenchmark.run(milliseconds: 200, verifyDigest)
                let clock = ContinuousClock()
                let end = clock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
                while clock.now < end {
                    license.add(try CryptoBenchmark.run(milliseconds: 10, verifyLicense))
                    rsa.add(try CryptoBenchmark.run(milliseconds: 10, verifyDigest))
                }
                let ratio = (license.rate / rsa.rate * 1000).rounded() / 1000
                print(
                    "swift verify-ratio alg=\(algorithm.rawValue) bits=\(bits) license_ops_per_s=\(license.rounded)"
                        + " rsa_ops_per_s=\(rsa.rounded) ratio=\(ratio)"
                )
            }
        }
    }

    /// Operations and seconds, summed over slices.
    private struct Tally {
        var operations = 0
        var seconds = 0.0

        mutating func add(_ slice: (operations: Int, seconds: Double)) {
            self.operations += slice.operations
            self.seconds += slice.seconds
        }

        var rate: Double { Double(self.operations) / self.seconds }
        var rounded: Double { (self.rate * 10).rounded() / 10 }
    }
}
