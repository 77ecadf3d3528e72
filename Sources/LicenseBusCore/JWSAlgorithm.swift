internal import LicenseBusCrypto

/// The JWS algorithms a license may be signed with (SPEC §1).
public enum JWSAlgorithm: String, Sendable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256 (32-byte salt when signing, any salt when verifying).
    case ps256 = "PS256"

    /// The algorithm named `rawValue` (case-sensitive, as JOSE names are).
    /// - Parameter rawValue: An `alg` value.
    public init?(rawValue: String) {
        // Two comparisons of small strings, not the synthesized search through every name.
        switch rawValue {
        case "RS256": self = .rs256
        case "PS256": self = .ps256
        default: return nil
        }
    }

    var scheme: RSASignatureScheme {
        switch self {
        case .rs256: .pkcs1v15(.sha256)
        case .ps256: .pss(.sha256)
        }
    }
}
