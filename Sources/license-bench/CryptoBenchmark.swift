import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON

/// Verify and open rates of the license path, single-threaded, like `openssl speed` (no `-multi`).
enum CryptoBenchmark {
    static func run(secondsPerFigure: Double) throws {
        let ring = try DistributionKeyRing(
            parsing: String(
                decoding: try DistributionKeyRing.makeEntryText(id: "bench").withUnsafeBytes { Array($0) },
                as: UTF8.self
            )
        )
        for bits in [2048, 3072] {
            let key = try RSAPrivateKey.generate(bits: bits)
            let verifier = LicenseVerifier(trustedKeys: try VendorKeySet([(id: "bench", key: key.publicKey)]))
            for algorithm in JWSAlgorithm.allCases {
                let token = try LicenseSigner.sign(claims: Self.claims, key: key, algorithm: algorithm, keyID: "bench")
                let envelope = try LicenseEnvelope.seal(token, ring: ring)
                let message = Array(token.split(separator: ".").prefix(2).joined(separator: ".").utf8)
                let signature = Base64URL.decode(token.split(separator: ".")[2]) ?? []
                let label = "alg=\(algorithm.rawValue) bits=\(bits)"
                report(
                    "rsa-verify",
                    label,
                    try measure(secondsPerFigure) {
                        _ = try key.publicKey.isValidSignature(
                            signature,
                            for: message,
                            scheme: algorithm == .rs256 ? .pkcs1v15(.sha256) : .pss(.sha256)
                        )
                    }
                )
                report(
                    "license-verify",
                    label,
                    try measure(secondsPerFigure) { _ = try verifier.verifyIgnoringTime(token) }
                )
                report(
                    "envelope-open",
                    label,
                    try measure(secondsPerFigure) { _ = try LicenseEnvelope.open(envelope, ring: ring) }
                )
                report(
                    "open-and-verify",
                    label,
                    try measure(secondsPerFigure) {
                        _ = try verifier.verifyIgnoringTime(try LicenseEnvelope.open(envelope, ring: ring))
                    }
                )
            }
        }
    }

    /// The claims of every benchmark license: a typical enterprise license.
    static let claims: [String: JSONValue] = [
        "iss": .string("https://vendor.example"), "aud": .string("ai-agent-os"), "sub": .string("cust-1"),
        "jti": .string("lic-bench"), "iat": .integer(1_767_225_600), "edition": .string("enterprise"),
        "features": .array([.string("sso"), .string("audit-log")]),
        "limits": .object(["max_instances": .integer(50)]), "customer": .string("Bench Corp"),
    ]

    /// Runs `body` repeatedly for about `seconds` after a short warm-up; returns operations per second.
    static func measure(_ seconds: Double, _ body: () throws -> Void) rethrows -> Double {
        _ = try run(milliseconds: 200, body)
        let run = try run(milliseconds: Int64(seconds * 1000), body)
        return Double(run.operations) / run.seconds
    }

    /// Runs `body` in batches of 8 for about `milliseconds`.
    /// - Returns: How many times it ran, and in how many seconds.
    static func run(
        milliseconds: Int64,
        _ body: () throws -> Void
    ) rethrows -> (operations: Int, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start.advanced(by: .milliseconds(milliseconds))
        var count = 0
        repeat {
            for _ in 0..<8 { try body() }
            count += 8
        } while clock.now < end
        let elapsed = clock.now - start
        return (count, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func report(_ name: String, _ label: String, _ opsPerSecond: Double) {
        let rate = (opsPerSecond * 10).rounded() / 10
        let micros = (1e7 / opsPerSecond).rounded() / 10
        print("swift \(name) \(label) ops_per_s=\(rate) us_per_op=\(micros)")
    }
}
