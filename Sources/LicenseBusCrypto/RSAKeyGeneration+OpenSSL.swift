internal import CLicenseBusOpenSSL

extension RSAPrivateKey {
    /// Generates a new RSA key pair with public exponent 65537.
    /// - Parameter bits: The modulus size; at least ``minimumRSAKeyBits``.
    /// - Returns: The private key (its ``publicKey`` is the public half).
    /// - Throws: ``CryptoError/Code/keyTooSmall`` under the minimum;
    ///   ``CryptoError/Code/internalFailure`` if OpenSSL fails.
    public static func generate(bits: Int) throws -> RSAPrivateKey {
        guard bits >= minimumRSAKeyBits else {
            throw CryptoError(.keyTooSmall, "\(bits) bits is too small; at least \(minimumRSAKeyBits) are required")
        }
        guard bits <= 16384 else {
            throw CryptoError(.invalidInput, "\(bits) bits is larger than the 16384 this tool generates")
        }
        OpenSSLErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL has no RSA key generator")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            EVP_PKEY_generate(context, &key) == 1,
            let key
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not generate an RSA key")
        }
        return RSAPrivateKey(key: EVPKey(taking: key))
    }
}
