public import LicenseBusCore
public import LicenseBusCrypto
public import LicenseBusJSON

/// The test-only keys of `license-samples/` and verifiers built from them.
public enum SampleKeys {
    /// The test vendor's private key (key id `vendor-test`).
    public static let vendorPrivate: RSAPrivateKey = load("license-samples/keys/vendor-test-private.pem")
    /// Another vendor's private key, not trusted.
    public static let otherPrivate: RSAPrivateKey = load("license-samples/keys/other-vendor-private.pem")

    /// The trusted set: the test vendor's public key under id `vendor-test`.
    public static let trusted: VendorKeySet = {
        do {
            return try VendorKeySet([(id: "vendor-test", key: vendorPrivate.publicKey)])
        } catch {
            fatalError("sample key set: \(error)")
        }
    }()

    /// The sample ring `license-samples/distribution.ring`.
    public static let ring: DistributionKeyRing = ringFile("distribution.ring")
    /// A foreign ring, `license-samples/other.ring`.
    public static let otherRing: DistributionKeyRing = ringFile("other.ring")

    /// The verifier the samples are judged with.
    public static let verifier = LicenseVerifier(
        trustedKeys: trusted,
        issuer: "https://vendor.example",
        audience: "ai-agent-os"
    )

    /// Valid claims for tests to edit, with `iat` as given.
    /// - Parameter issuedAt: The `iat` claim.
    /// - Returns: A claims object.
    public static func claims(issuedAt: Int64 = 1_767_225_600, jti: String = "lic-test") -> [String: JSONValue] {
        [
            "iss": .string("https://vendor.example"), "aud": .string("ai-agent-os"), "sub": .string("cust-1"),
            "jti": .string(jti), "iat": .integer(issuedAt), "edition": .string("enterprise"),
            "features": .array([.string("sso")]), "limits": .object(["max_instances": .integer(5)]),
        ]
    }

    private static func load(_ path: String) -> RSAPrivateKey {
        do {
            return try RSAPrivateKey(pem: SecretBytes(copying: Array(try Fixtures.text(path).utf8)))
        } catch {
            fatalError("cannot load \(path): \(error)")
        }
    }

    private static func ringFile(_ name: String) -> DistributionKeyRing {
        do {
            return try DistributionKeyRing(parsing: try Fixtures.text("license-samples/" + name))
        } catch {
            fatalError("cannot load ring \(name): \(error)")
        }
    }
}
