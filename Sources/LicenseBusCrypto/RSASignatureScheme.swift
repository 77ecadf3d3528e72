/// The RSA signature schemes of JWS (RFC 7518 §3.3 and §3.5), both over SHA-256.
public enum RSASignatureScheme: Sendable, Hashable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`RS256`).
    case pkcs1v15SHA256
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256 (`PS256`): signs with a 32-byte salt,
    /// verifies any salt length.
    case pssSHA256
}
