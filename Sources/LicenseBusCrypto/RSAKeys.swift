/// The smallest RSA modulus, in bits, that this package accepts for licenses.
public let minimumRSAKeyBits = 2048

/// An RSA public key, used to verify license signatures.
public struct RSAPublicKey: Sendable {
    let key: EVPKey

    init(key: EVPKey) {
        self.key = key
    }

    /// Decodes a PEM public key: SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`).
    /// - Parameter pem: The PEM text.
    /// - Throws: ``CryptoError/Code/invalidKey`` when it is not an RSA public key (a private
    ///   key is refused too, so that private material is not passed around by mistake);
    ///   ``CryptoError/Code/keyTooSmall`` under ``minimumRSAKeyBits``.
    public init(pem: some StringProtocol) throws {
        if pem.contains("PRIVATE KEY-----") {
            throw CryptoError(.invalidKey, "the PEM holds a private key; give the public key")
        }
        let key = try Array(pem.utf8).withUnsafeBytes { try EVPKey.decodePEM($0, wantPrivate: false) }
        try checkSize(key)
        self.key = key
    }

    /// The modulus size in bits.
    public var bits: Int { self.key.bits }

    /// The key as SPKI PEM text (`-----BEGIN PUBLIC KEY-----`).
    /// - Throws: ``CryptoError/Code/internalFailure`` if OpenSSL cannot encode it.
    public func pemEncoded() throws -> String {
        try self.key.publicPEM()
    }
}

/// An RSA private key, used by the vendor to sign licenses.
///
/// - Important: Its PEM form is only handed out as ``SecretBytes``.
public struct RSAPrivateKey: Sendable {
    let key: EVPKey

    init(key: EVPKey) {
        self.key = key
    }

    /// Decodes a PEM private key: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    /// - Parameter pem: The PEM bytes.
    /// - Throws: ``CryptoError/Code/invalidKey`` when it is not an unencrypted RSA private key;
    ///   ``CryptoError/Code/keyTooSmall`` under ``minimumRSAKeyBits``.
    public init(pem: SecretBytes) throws {
        let key = try pem.withUnsafeBytes { try EVPKey.decodePEM($0, wantPrivate: true) }
        try checkSize(key)
        self.key = key
    }

    /// The modulus size in bits.
    public var bits: Int { self.key.bits }

    /// The public half.
    public var publicKey: RSAPublicKey { RSAPublicKey(key: self.key) }

    /// The key as unencrypted PKCS#8 PEM text.
    /// - Throws: ``CryptoError/Code/internalFailure`` if OpenSSL cannot encode it.
    public func pemEncoded() throws -> SecretBytes {
        try self.key.privatePEM()
    }
}

private func checkSize(_ key: EVPKey) throws {
    guard key.bits >= minimumRSAKeyBits else {
        throw CryptoError(
            .keyTooSmall,
            "the RSA key has \(key.bits) bits; at least \(minimumRSAKeyBits) are required"
        )
    }
}
