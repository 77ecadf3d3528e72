internal import CLicenseBusOpenSSL

/// An Ed25519 private key (RFC 8032), held as its 32-byte seed; used for NATS NKey auth.
///
/// - Important: Immutable; the seed lives in ``SecretBytes``.
public struct Ed25519PrivateKey: Sendable {
    private let key: EVPKey

    /// Makes the key from its 32-byte seed.
    /// - Parameter seed: The seed.
    /// - Throws: ``CryptoError/Code/invalidKey`` when the seed is not 32 bytes or OpenSSL refuses it.
    public init(seed: SecretBytes) throws {
        guard seed.count == 32 else {
            throw CryptoError(.invalidKey, "an Ed25519 seed has 32 bytes, not \(seed.count)")
        }
        OpenSSLErrorQueue.clear()
        let key = seed.withUnsafeBytes { bytes in
            EVP_PKEY_new_raw_private_key_ex(
                nil,
                "ED25519",
                nil,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                32
            )
        }
        guard let key else { throw OpenSSLErrorQueue.error(.invalidKey, "OpenSSL refused the Ed25519 seed") }
        self.key = EVPKey(taking: key)
    }

    /// The 32-byte public key.
    public var publicKeyBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        var length = 32
        let ok = EVP_PKEY_get_raw_public_key(self.key.pointer, &bytes, &length)
        // A key made from a seed always has its public half.
        precondition(ok == 1 && length == 32, "EVP_PKEY_get_raw_public_key failed")
        return bytes
    }

    /// Signs `message` (pure Ed25519: no pre-hash).
    /// - Parameter message: The bytes to sign.
    /// - Returns: The 64-byte signature.
    /// - Throws: ``CryptoError/Code/internalFailure`` if OpenSSL fails.
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        guard EVP_DigestSignInit_ex(context, nil, nil, nil, nil, self.key.pointer, nil) == 1,
            EVP_DigestSign(context, &signature, &length, message, message.count) == 1, length == 64
        else { throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not sign with Ed25519") }
        return signature
    }
}
