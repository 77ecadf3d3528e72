internal import CLicenseBusOpenSSL

/// Owns one `EVP_MD_CTX` for a single sign or verify operation.
private final class DigestContext {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = EVP_MD_CTX_new() else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not allocate a digest context")
        }
        self.pointer = pointer
    }

    deinit {
        EVP_MD_CTX_free(self.pointer)
    }
}

extension RSAPublicKey {
    /// Verifies an RSA signature over `message`.
    ///
    /// The message is hashed once, then checked with a pre-configured `EVP_PKEY_CTX` taken from
    /// the key's pool (creating one per call costs more than the RSA operation in OpenSSL 3).
    /// - Parameters:
    ///   - signature: The signature bytes.
    ///   - message: The signed bytes.
    ///   - scheme: PKCS#1 v1.5 or PSS (any salt length), and the digest.
    /// - Returns: Whether the signature is valid for this key; a signature of the wrong
    ///   length or garbage is simply not valid.
    /// - Throws: ``CryptoError/Code/internalFailure`` only if OpenSSL cannot set up the operation.
    public func isValidSignature(
        _ signature: UnsafeRawBufferPointer,
        for message: UnsafeRawBufferPointer,
        scheme: RSASignatureScheme
    ) throws -> Bool {
        let digest = scheme.digest
        // The digest lives on the stack, hashed with the lent context's digest context: no
        // allocation between the message and the RSA operation.
        return try withUnsafeTemporaryAllocation(byteCount: digest.byteCount, alignment: 1) { buffer in
            try self.key.withVerifyContext(scheme: scheme) { context in
                digest.hash(message, into: buffer, with: context.digest)
                return Self.isValidSignature(signature, forDigest: UnsafeRawBufferPointer(buffer), with: context)
            }
        }
    }

    /// Verifies an RSA signature over a digest the caller computed: the RSA operation alone, as
    /// `openssl speed` measures it.
    /// - Parameters:
    ///   - signature: The signature bytes.
    ///   - digest: The digest of the signed bytes, made with `scheme`'s digest.
    ///   - scheme: PKCS#1 v1.5 or PSS (any salt length), and the digest.
    /// - Returns: Whether the signature is valid for this key and digest.
    /// - Throws: ``CryptoError/Code/internalFailure`` only if OpenSSL cannot set up the operation.
    public func isValidSignature(
        _ signature: UnsafeRawBufferPointer,
        forDigest digest: UnsafeRawBufferPointer,
        scheme: RSASignatureScheme
    ) throws -> Bool {
        try self.key.withVerifyContext(scheme: scheme) { context in
            Self.isValidSignature(signature, forDigest: digest, with: context)
        }
    }

    private static func isValidSignature(
        _ signature: UnsafeRawBufferPointer,
        forDigest digest: UnsafeRawBufferPointer,
        with context: VerifyContext
    ) -> Bool {
        let result = EVP_PKEY_verify(
            context.pointer,
            signature.baseAddress?.assumingMemoryBound(to: UInt8.self),
            signature.count,
            digest.baseAddress?.assumingMemoryBound(to: UInt8.self),
            digest.count
        )
        // A bad signature leaves reasons on the queue; they are not errors of ours.
        if result != 1 { OpenSSLErrorQueue.clear() }
        return result == 1
    }

    /// Verifies an RSA signature over `message`.
    /// - Parameters:
    ///   - signature: The signature bytes.
    ///   - message: The signed bytes.
    ///   - scheme: PKCS#1 v1.5 or PSS (any salt length), and the digest.
    /// - Returns: Whether the signature is valid for this key.
    /// - Throws: ``CryptoError/Code/internalFailure`` only if OpenSSL cannot set up the operation.
    public func isValidSignature(
        _ signature: [UInt8],
        for message: [UInt8],
        scheme: RSASignatureScheme
    ) throws
        -> Bool
    {
        try signature.withUnsafeBytes { sig in
            try message.withUnsafeBytes { msg in try self.isValidSignature(sig, for: msg, scheme: scheme) }
        }
    }
}

extension RSAPrivateKey {
    /// Signs `message`.
    /// - Parameters:
    ///   - message: The bytes to sign.
    ///   - scheme: PKCS#1 v1.5, or PSS with a salt as long as the digest.
    /// - Returns: The signature, as long as the modulus.
    /// - Throws: ``CryptoError/Code/internalFailure`` if OpenSSL fails.
    public func signature(for message: [UInt8], scheme: RSASignatureScheme) throws -> [UInt8] {
        OpenSSLErrorQueue.clear()
        let context = try DigestContext()
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context.pointer, &keyContext, scheme.digest.evp, nil, self.key.pointer) == 1,
            let keyContext,
            configure(keyContext, scheme: scheme, saltLength: Int32(scheme.digest.byteCount))
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not set up RSA signing")
        }
        var length = 0
        guard EVP_DigestSign(context.pointer, nil, &length, message, message.count) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not size the RSA signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context.pointer, &signature, &length, message, message.count) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not sign")
        }
        return Array(signature.prefix(length))
    }
}

/// Sets the padding (and, for PSS, the salt length and MGF1 digest) on a key context.
func configure(_ keyContext: OpaquePointer, scheme: RSASignatureScheme, saltLength: Int32) -> Bool {
    switch scheme {
    case .pkcs1v15:
        return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1
    case .pss(let digest):
        return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, saltLength) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, digest.evp) == 1
    }
}

extension RSASignatureScheme {
    var digest: SignatureDigest {
        switch self {
        case .pkcs1v15(let digest), .pss(let digest): digest
        }
    }
}

extension SignatureDigest {
    /// Hashes `message` with this digest.
    func hash(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: self.byteCount) { out, initialized in
            self.hash(message, into: UnsafeMutableRawBufferPointer(out))
            initialized = self.byteCount
        }
    }

    /// Hashes `message` with this digest into `output`, exactly ``byteCount`` bytes long.
    func hash(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == self.byteCount, "the digest buffer has the wrong size")
        var length: UInt32 = 0
        let ok = EVP_Digest(
            message.baseAddress,
            message.count,
            output.baseAddress?.assumingMemoryBound(to: UInt8.self),
            &length,
            self.evp,
            nil
        )
        // Hashing an in-memory buffer cannot fail short of memory exhaustion.
        precondition(ok == 1 && Int(length) == self.byteCount, "EVP_Digest failed")
    }

    /// Hashes `message` with this digest into `output`, exactly ``byteCount`` bytes long, with
    /// `context` (an `EVP_MD_CTX` the caller owns and reuses).
    func hash(
        _ message: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        with context: OpaquePointer
    ) {
        precondition(output.count == self.byteCount, "the digest buffer has the wrong size")
        var length: UInt32 = 0
        let ok =
            EVP_DigestInit_ex2(context, self.evp, nil) == 1
            && EVP_DigestUpdate(context, message.baseAddress, message.count) == 1
            && EVP_DigestFinal_ex(context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) == 1
        // Hashing an in-memory buffer cannot fail short of memory exhaustion.
        precondition(ok && Int(length) == self.byteCount, "EVP_DigestInit_ex2, Update or Final_ex failed")
    }

    /// The fetched OpenSSL digest.
    var evp: OpaquePointer {
        switch self {
        case .sha256: MessageDigests.sha256
        case .sha384: MessageDigests.sha384
        }
    }
}
