internal import CLicenseBusOpenSSL
import LicenseBusSync

/// Owns one `EVP_PKEY_CTX` initialised for verification with a fixed scheme, and an
/// `EVP_MD_CTX` for hashing the message (reused, it is not allocated and freed per message).
///
/// - Important: Used by one thread at a time: the pool hands it out exclusively.
final class VerifyContext: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The digest context, set up anew for each message.
    let digest: OpaquePointer

    init(key: OpaquePointer, scheme: RSASignatureScheme) throws {
        OpenSSLErrorQueue.clear()
        guard let digest = EVP_MD_CTX_new() else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not allocate a digest context")
        }
        guard let pointer = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            EVP_MD_CTX_free(digest)
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not create a key context")
        }
        self.digest = digest
        self.pointer = pointer
        guard EVP_PKEY_verify_init(pointer) == 1,
            EVP_PKEY_CTX_set_signature_md(pointer, scheme.digest.evp) == 1,
            configure(pointer, scheme: scheme, saltLength: LicenseBusOpenSSL_RSA_PSS_SALTLEN_AUTO())
        else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not set up RSA verification")
        }
    }

    deinit {
        EVP_PKEY_CTX_free(self.pointer)
        EVP_MD_CTX_free(self.digest)
    }
}

/// Idle verification contexts of one key, by scheme. A context is lent to one caller at a
/// time, so concurrent verifications never share one and never wait for each other.
struct VerifyContextPool: ~Copyable {
    /// Idle contexts kept per scheme; more concurrent callers create and drop extra ones.
    static let idleLimit = 8

    /// The idle contexts of each scheme used so far. A key is used with one or two schemes, so
    /// a list is searched faster than a dictionary hashes.
    private let idle = Locked<[(scheme: RSASignatureScheme, contexts: [VerifyContext])]>([])

    func withContext<Result>(
        key: OpaquePointer,
        scheme: RSASignatureScheme,
        _ body: (VerifyContext) throws -> Result
    ) throws -> Result {
        let lent = self.idle.withLock { pool in
            pool.firstIndex { $0.scheme == scheme }.flatMap { pool[$0].contexts.popLast() }
        }
        let context = try lent ?? VerifyContext(key: key, scheme: scheme)
        let result = try body(context)
        self.idle.withLock { pool in
            guard let position = pool.firstIndex(where: { $0.scheme == scheme }) else {
                pool.append((scheme, [context]))
                return
            }
            if pool[position].contexts.count < Self.idleLimit { pool[position].contexts.append(context) }
        }
        return result
    }
}
