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
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        try iv.withUnsafeBytes { iv in
            let context = try CipherContext(key: key, iv: iv, encrypting: true)
            try aad.withUnsafeBytes { try context.authenticate($0) }
            try plaintext.withUnsafeBytes { plaintext in
                try ciphertext.withUnsafeMutableBytes { try context.update(plaintext, into: $0) }
            }
            try context.finish()
            try tag.withUnsafeMutableBytes { try context.tag(into: $0) }
        }
        return SealedBox(ciphertext: ciphertext, tag: tag)
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
        try [UInt8](unsafeUninitializedCapacity: ciphertext.count) { plaintext, count in
            try ciphertext.withUnsafeBytes { ciphertext in
                try tag.withUnsafeBytes { tag in
                    try iv.withUnsafeBytes { iv in
                        try aad.withUnsafeBytes { aad in
                            try open(
                                ciphertext,
                                tag: tag,
                                key: key,
                                iv: iv,
                                aad: aad,
                                into: UnsafeMutableRawBufferPointer(plaintext)
                            )
                        }
                    }
                }
            }
            count = ciphertext.count
        }
    }

    /// Checks the tag and decrypts into a buffer of the caller's, without allocating.
    /// - Parameters:
    ///   - ciphertext: The encrypted data.
    ///   - tag: The 16-byte tag.
    ///   - key: A 32-byte key.
    ///   - iv: The IV used to seal.
    ///   - aad: The additional data used to seal.
    ///   - plaintext: At least `ciphertext.count` bytes; the plaintext when this returns, zeroes
    ///     when it throws (unauthenticated plaintext is never left there).
    /// - Throws: as ``open(_:tag:key:iv:aad:)``.
    public static func open(
        _ ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        key: SecretBytes,
        iv: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        into plaintext: UnsafeMutableRawBufferPointer
    ) throws {
        guard tag.count == tagByteCount else {
            throw CryptoError(.invalidInput, "the GCM tag has \(tag.count) bytes; \(tagByteCount) are required")
        }
        precondition(plaintext.count >= ciphertext.count, "the plaintext buffer is too small")
        let context = try CipherContext(key: key, iv: iv, encrypting: false)
        try context.authenticate(aad)
        // Never leave unauthenticated plaintext behind.
        let erase = { if let base = plaintext.baseAddress { OPENSSL_cleanse(base, ciphertext.count) } }
        do {
            try context.update(ciphertext, into: plaintext)
            try context.setExpectedTag(tag)
        } catch {
            erase()
            throw error
        }
        guard (try? context.finish()) != nil else {
            erase()
            throw CryptoError(.authenticationFailed, "the AES-GCM tag does not match")
        }
    }
}

/// Owns one `EVP_CIPHER_CTX` for a single AES-256-GCM operation.
private final class CipherContext {
    private let pointer: OpaquePointer
    private let encrypting: Bool

    init(key: SecretBytes, iv: UnsafeRawBufferPointer, encrypting: Bool) throws {
        guard key.count == AESGCM.keyByteCount else {
            throw CryptoError(.invalidInput, "the AES-256 key has \(key.count) bytes; 32 are required")
        }
        guard let ivBytes = iv.baseAddress, !iv.isEmpty else {
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
                initialise(
                    pointer,
                    nil,
                    nil,
                    keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    ivBytes.assumingMemoryBound(to: UInt8.self)
                ) == 1
            })
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not set up AES-256-GCM")
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(self.pointer)
    }

    func authenticate(_ aad: UnsafeRawBufferPointer) throws {
        guard let bytes = aad.baseAddress, !aad.isEmpty else { return }
        guard aad.count < Int(Int32.max) else {
            throw CryptoError(.invalidInput, "the additional data is too large for one AES-GCM operation")
        }
        var written: Int32 = 0
        let update = self.encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard update(self.pointer, nil, &written, bytes.assumingMemoryBound(to: UInt8.self), Int32(aad.count)) == 1
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL refused the additional data")
        }
    }

    /// Processes `input` into `output` (GCM is a stream mode: as many bytes out as in).
    func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard let inputBytes = input.baseAddress, let outputBytes = output.baseAddress, !input.isEmpty else { return }
        guard input.count < Int(Int32.max) - 32 else {
            throw CryptoError(.invalidInput, "the data is too large for one AES-GCM operation")
        }
        precondition(output.count >= input.count, "the output buffer is too small")
        var written: Int32 = 0
        let update = self.encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard
            update(
                self.pointer,
                outputBytes.assumingMemoryBound(to: UInt8.self),
                &written,
                inputBytes.assumingMemoryBound(to: UInt8.self),
                Int32(input.count)
            ) == 1, Int(written) == input.count
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not process the data")
        }
    }

    /// Ends the operation; decrypting, it checks the tag. GCM writes no bytes here.
    func finish() throws {
        var output = (UInt64(0), UInt64(0))
        var written: Int32 = 0
        let final = self.encrypting ? EVP_EncryptFinal_ex : EVP_DecryptFinal_ex
        let finished = withUnsafeMutableBytes(of: &output) {
            final(self.pointer, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), &written) == 1
        }
        guard finished, written == 0 else {
            throw OpenSSLErrorQueue.error(.authenticationFailed, "AES-GCM finalisation failed")
        }
    }

    func tag(into tag: UnsafeMutableRawBufferPointer) throws {
        guard EVP_CIPHER_CTX_ctrl(self.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tag.count), tag.baseAddress) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not produce the GCM tag")
        }
    }

    func setExpectedTag(_ tag: UnsafeRawBufferPointer) throws {
        // OpenSSL copies the tag; its parameter is not const.
        guard
            EVP_CIPHER_CTX_ctrl(
                self.pointer,
                EVP_CTRL_GCM_SET_TAG,
                Int32(tag.count),
                UnsafeMutableRawPointer(mutating: tag.baseAddress)
            ) == 1
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL refused the GCM tag")
        }
    }
}
