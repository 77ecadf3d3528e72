internal import CLicenseBusOpenSSL

/// OpenSSL's CSPRNG (`RAND_bytes`).
public enum SecureRandom {
    /// Returns `count` random bytes.
    /// - Parameter count: How many bytes.
    /// - Throws: ``CryptoError/Code/internalFailure`` when the generator fails.
    public static func bytes(count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { try fill($0) }
        return result
    }

    /// Fills `buffer` with random bytes.
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        OpenSSLErrorQueue.clear()
        guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            throw OpenSSLErrorQueue.error(.internalFailure, "the random generator failed")
        }
    }
}
