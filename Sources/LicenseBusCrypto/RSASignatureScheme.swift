/// The digests RSA signatures here can use.
public enum SignatureDigest: Sendable, Hashable {
    /// SHA-256 (what licenses use: RS256, PS256).
    case sha256
    /// SHA-384 (PS384/RS384; supported so that published RFC 7520 vectors can be checked).
    case sha384

    /// The digest length in bytes, which is also the PSS signing salt length (RFC 7518 §3.5).
    public var byteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        }
    }
}

/// An RSA signature scheme (RFC 8017): PKCS#1 v1.5 or PSS with MGF1 over the same digest.
public enum RSASignatureScheme: Sendable, Hashable {
    /// RSASSA-PKCS1-v1_5.
    case pkcs1v15(SignatureDigest)
    /// RSASSA-PSS with MGF1 of the same digest: signs with a salt as long as the digest,
    /// verifies any salt length.
    case pss(SignatureDigest)
}
