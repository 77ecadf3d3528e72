internal import CLicenseBusOpenSSL

/// Owns one `EVP_PKEY`: created by the initialiser, freed in `deinit`.
///
/// - Important: An `EVP_PKEY` is reference-counted and safe to use from several threads at
///   once for signing and verifying, each with its own context, so the box is `Sendable`.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer
    private let verifyContexts = VerifyContextPool()

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// Lends `body` a verification context for `scheme` from this key's pool.
    func withVerifyContext<Result>(
        scheme: RSASignatureScheme,
        _ body: (VerifyContext) throws -> Result
    ) throws
        -> Result
    {
        try self.verifyContexts.withContext(key: self.pointer, scheme: scheme, body)
    }

    /// The key's size in bits (the modulus size for RSA).
    var bits: Int { Int(EVP_PKEY_get_bits(self.pointer)) }

    /// Decodes a PEM key (SPKI, PKCS#8, PKCS#1 public or private) of any type.
    static func decodePEM(_ pem: UnsafeRawBufferPointer, wantPrivate: Bool) throws -> EVPKey {
        OpenSSLErrorQueue.clear()
        guard let key = try PEMKeyDecoder(wantPrivate: wantPrivate).decode(pem) else {
            let what = wantPrivate ? "private" : "public"
            throw OpenSSLErrorQueue.error(.invalidKey, "the data is not a PEM \(what) key (or it is encrypted)")
        }
        let box = EVPKey(taking: key)
        guard EVP_PKEY_is_a(key, "RSA") == 1 else {
            let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            throw CryptoError(.invalidKey, "the key is of type \(name), not RSA")
        }
        return box
    }

    /// Encodes the public half as SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    func publicPEM() throws -> String {
        try Self.withMemoryBIO(
            write: { bio in PEM_write_bio_PUBKEY(bio, self.pointer) == 1 },
            transform: { String(decoding: $0, as: UTF8.self) }
        ).get(orThrow: "OpenSSL could not encode the public key")
    }

    /// Encodes the private key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    func privatePEM() throws -> SecretBytes {
        try Self.withMemoryBIO(
            write: { bio in PEM_write_bio_PrivateKey(bio, self.pointer, nil, nil, 0, nil, nil) == 1 },
            transform: { SecretBytes(copying: $0) }
        ).get(orThrow: "OpenSSL could not encode the private key")
    }

    /// Runs `write` on a fresh memory BIO and returns what it wrote, or nil on failure.
    private static func withMemoryBIO<Result>(
        write: (OpaquePointer) -> Bool,
        transform: (UnsafeRawBufferPointer) -> Result
    ) -> Result? {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard write(bio) else { return nil }
        var data: UnsafeMutablePointer<CChar>?
        let length = LicenseBusOpenSSL_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { return nil }
        let result = transform(UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: length))
        // The BIO may hold secret key text: wipe it before it is freed.
        OPENSSL_cleanse(data, length)
        return result
    }
}

extension Optional {
    fileprivate func get(orThrow message: String) throws -> Wrapped {
        guard let value = self else { throw OpenSSLErrorQueue.error(.internalFailure, message) }
        return value
    }
}
