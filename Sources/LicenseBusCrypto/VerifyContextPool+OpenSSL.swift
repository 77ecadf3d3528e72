internal import CLicenseBusOpenSSL
import Synchronization

/// Owns one `EVP_PKEY_CTX` initialised for verification with a fixed scheme.
///
/// - Important: Used by one thread at a time: the pool hands it out exclusively.
final class VerifyContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init(key: OpaquePointer, scheme: RSASignatureScheme) throws {
        OpenSSLErrorQueue.clear()
        guard let pointer = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not create a key context")
        }
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
    }
}

/// Idle verification contexts of one key, by scheme. A context is lent to one caller at a
/// time, so concurrent verifications never share one and never wait for each other.
struct VerifyContextPool: ~Copyable {
    /// Idle contexts kept per scheme; more concurrent callers create and drop extra ones.
    static let idleLimit = 8

    private let idle = Mutex<[RSASignatureScheme: [VerifyContext]]>([:])

    func withContext<Result>(
        key: OpaquePointer,
        scheme: RSASignatureScheme,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        let context = try self.idle.withLock { $0[scheme]?.popLast() } ?? VerifyContext(key: key, scheme: scheme)
        let result = try body(context.pointer)
        self.idle.withLock { pool in
            if pool[scheme, default: []].count < Self.idleLimit { pool[scheme, default: []].append(context) }
        }
        return result
    }
}
