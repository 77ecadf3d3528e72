internal import CLicenseBusOpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL's EVP interface.
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// Hashes `bytes`.
    /// - Parameter bytes: The message.
    /// - Returns: The 32-byte digest.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Hashes the bytes of `message`.
    /// - Parameter message: The message.
    /// - Returns: The 32-byte digest.
    public static func hash(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        SignatureDigest.sha256.hash(message)
    }
}

/// Algorithm implementations fetched once from the default provider (an explicit fetch
/// avoids OpenSSL's per-call implicit fetch and its lock).
enum MessageDigests {
    nonisolated(unsafe) static let sha256: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else {
            preconditionFailure("OpenSSL has no SHA256 implementation: \(OpenSSLErrorQueue.drain() ?? "")")
        }
        return md
    }()

    nonisolated(unsafe) static let aes256GCM: OpaquePointer = {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
            preconditionFailure("OpenSSL has no AES-256-GCM implementation: \(OpenSSLErrorQueue.drain() ?? "")")
        }
        return cipher
    }()

    nonisolated(unsafe) static let sha384: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA384", nil) else {
            preconditionFailure("OpenSSL has no SHA384 implementation: \(OpenSSLErrorQueue.drain() ?? "")")
        }
        return md
    }()
}
