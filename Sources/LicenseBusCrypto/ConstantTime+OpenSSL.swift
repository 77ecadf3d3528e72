internal import CLicenseBusOpenSSL

/// Comparisons whose duration does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether two byte buffers are equal, using `CRYPTO_memcmp`.
    ///
    /// Buffers of different lengths are unequal (the length is not secret).
    /// - Parameters:
    ///   - lhs: One buffer.
    ///   - rhs: The other buffer.
    /// - Returns: Whether they hold the same bytes.
    public static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return lhs.count == 0 }
        return CRYPTO_memcmp(left, right, lhs.count) == 0
    }

    /// Whether two byte arrays are equal, using `CRYPTO_memcmp`.
    /// - Parameters:
    ///   - lhs: One array.
    ///   - rhs: The other array.
    /// - Returns: Whether they hold the same bytes.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in equal(left, right) } }
    }
}
