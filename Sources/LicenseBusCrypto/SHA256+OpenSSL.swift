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
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { out in
            EVP_Digest(message.baseAddress, message.count, out.baseAddress, &length, MessageDigests.sha256, nil)
        }
        // SHA-256 of an in-memory buffer cannot fail short of memory exhaustion.
        precondition(ok == 1 && length == UInt32(byteCount), "EVP_Digest(SHA-256) failed")
        return digest
    }
}

/// Digest implementations fetched once from the default provider (an explicit fetch
/// avoids OpenSSL's per-call implicit fetch and its lock).
enum MessageDigests {
    nonisolated(unsafe) static let sha256: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else {
            preconditionFailure("OpenSSL has no SHA256 implementation: \(OpenSSLErrorQueue.drain() ?? "")")
        }
        return md
    }()

    nonisolated(unsafe) static let sha384: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA384", nil) else {
            preconditionFailure("OpenSSL has no SHA384 implementation: \(OpenSSLErrorQueue.drain() ?? "")")
        }
        return md
    }()
}
