internal import CLicenseBusOpenSSL

/// AES-256-GCM authenticated encryption (NIST SP 800-38D) with a 128-bit tag.
public enum AESGCM {
    /// The key length in bytes.
    public static let keyByteCount = 32
    /// The tag length in bytes.
    public static let tagByteCount = 16
    /// The recommended IV length in bytes (96 bits).
    public static let ivByteCount = 12

    /// The result of ``seal(_:key:iv:aad:)``.
    public struct SealedBox: Sendable, Equatable {
        /// The ciphertext, as long as the plaintext.
        public let ciphertext: [UInt8]
        /// The 16-byte authentication tag.
        public let tag: [UInt8]
    }

    /// Encrypts and authenticates `plaintext`, and authenticates `aad`.
    /// - Parameters:
    ///   - plaintext: The data to encrypt.
    ///   - key: A 32-byte key.
    ///   - iv: The IV, unique per key; 12 bytes is the norm (any non-empty length is accepted).
    ///   - aad: Additional data that is authenticated but not encrypted.
    /// - Returns: The ciphertext and tag.
    /// - Throws: ``CryptoError/Code/invalidInput`` for a wrong key or empty IV;
    ///   ``CryptoError/Code/internalFailure`` if OpenSSL fails.
    public static func seal(_ plaintext: [UInt8], key: SecretBytes, iv: [UInt8], aad: [UInt8]) throws -> SealedBox {
        let context = try CipherContext(key: key, iv: iv, encrypting: true)
        try context.authenticate(aad)
        var ciphertext = try context.update(plaintext)
        ciphertext += try context.finish()
        return SealedBox(ciphertext: ciphertext, tag: try context.tag())
    }

    /// Checks the tag and decrypts.
    /// - Parameters:
    ///   - ciphertext: The encrypted data.
    ///   - tag: The 16-byte tag.
    ///   - key: A 32-byte key.
    ///   - iv: The IV used to seal.
    ///   - aad: The additional data used to seal.
    /// - Returns: The plaintext; nothing is returned unless the tag matches.
    /// - Throws: ``CryptoError/Code/authenticationFailed`` when the tag does not match;
    ///   ``CryptoError/Code/invalidInput`` for a wrong key, empty IV or a tag not 16 bytes.
    public static func open(
        _ ciphertext: [UInt8],
        tag: [UInt8],
        key: SecretBytes,
        iv: [UInt8],
        aad: [UInt8]
    ) throws -> [UInt8] {
        guard tag.count == tagByteCount else {
            throw CryptoError(.invalidInput, "the GCM tag has \(tag.count) bytes; \(tagByteCount) are required")
        }
        let context = try CipherContext(key: key, iv: iv, encrypting: false)
        try context.authenticate(aad)
        var plaintext = try context.update(ciphertext)
        try context.setExpectedTag(tag)
        guard let rest = try? context.finish() else {
            // Never hand out unauthenticated plaintext.
            plaintext.withUnsafeMutableBytes { if let base = $0.baseAddress { OPENSSL_cleanse(base, $0.count) } }
            throw CryptoError(.authenticationFailed, "the AES-GCM tag does not match")
        }
        plaintext += rest
        return plaintext
    }
}

/// Owns one `EVP_CIPHER_CTX` for a single AES-256-GCM operation.
private final class CipherContext {
    private let pointer: OpaquePointer
    private let encrypting: Bool

    init(key: SecretBytes, iv: [UInt8], encrypting: Bool) throws {
        guard key.count == AESGCM.keyByteCount else {
            throw CryptoError(.invalidInput, "the AES-256 key has \(key.count) bytes; 32 are required")
        }
        guard !iv.isEmpty else {
            throw CryptoError(.invalidInput, "the GCM IV is empty")
        }
        OpenSSLErrorQueue.clear()
        guard let pointer = EVP_CIPHER_CTX_new() else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not allocate a cipher context")
        }
        self.pointer = pointer
        self.encrypting = encrypting
        let initialise = encrypting ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initialise(pointer, MessageDigests.aes256GCM, nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(pointer, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
            key.withUnsafeBytes({ keyBytes in
                initialise(pointer, nil, nil, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), iv) == 1
            })
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not set up AES-256-GCM")
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(self.pointer)
    }

    func authenticate(_ aad: [UInt8]) throws {
        guard !aad.isEmpty else { return }
        var written: Int32 = 0
        let update = self.encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard update(self.pointer, nil, &written, aad, Int32(aad.count)) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL refused the additional data")
        }
    }

    func update(_ input: [UInt8]) throws -> [UInt8] {
        guard !input.isEmpty else { return [] }
        guard input.count < Int(Int32.max) - 32 else {
            throw CryptoError(.invalidInput, "the data is too large for one AES-GCM operation")
        }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        let update = self.encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard update(self.pointer, &output, &written, input, Int32(input.count)) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not process the data")
        }
        return Array(output.prefix(Int(written)))
    }

    func finish() throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        let final = self.encrypting ? EVP_EncryptFinal_ex : EVP_DecryptFinal_ex
        guard final(self.pointer, &output, &written) == 1 else {
            throw OpenSSLErrorQueue.error(.authenticationFailed, "AES-GCM finalisation failed")
        }
        return Array(output.prefix(Int(written)))
    }

    func tag() throws -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: AESGCM.tagByteCount)
        guard EVP_CIPHER_CTX_ctrl(self.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tag.count), &tag) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not produce the GCM tag")
        }
        return tag
    }

    func setExpectedTag(_ tag: [UInt8]) throws {
        var copy = tag
        guard EVP_CIPHER_CTX_ctrl(self.pointer, EVP_CTRL_GCM_SET_TAG, Int32(copy.count), &copy) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL refused the GCM tag")
        }
    }
}
