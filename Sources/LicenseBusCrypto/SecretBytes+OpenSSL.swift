internal import CLicenseBusOpenSSL

/// Secret key material in its own allocation, zeroed with `OPENSSL_cleanse` when released.
///
/// It prints as `<redacted N bytes>`, is not `Codable`, and lends its bytes only for the
/// duration of ``withUnsafeBytes(_:)``.
/// - Important: Immutable after creation, so it may be shared between threads.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes` into a new secret allocation.
    /// - Parameter bytes: The secret; the caller should drop its own copy soon.
    public init(copying bytes: some Collection<UInt8>) {
        self.storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        self.storage.initializeMemory(as: UInt8.self, repeating: 0)
        _ = UnsafeMutableRawBufferPointer(rebasing: self.storage[0..<bytes.count]).initializeMemory(
            as: UInt8.self,
            from: bytes
        )
        self.count = bytes.count
    }

    /// Fills a new secret allocation of `count` bytes from OpenSSL's CSPRNG.
    /// - Parameter count: How many random bytes.
    /// - Throws: ``CryptoError/Code/internalFailure`` when the generator fails.
    public init(randomCount count: Int) throws {
        self.storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        self.storage.initializeMemory(as: UInt8.self, repeating: 0)
        self.count = count
        try SecureRandom.fill(UnsafeMutableRawBufferPointer(rebasing: self.storage[0..<count]))
    }

    deinit {
        if let base = self.storage.baseAddress {
            OPENSSL_cleanse(base, self.storage.count)
        }
        self.storage.deallocate()
    }

    /// The number of secret bytes.
    public let count: Int

    /// Lends the secret bytes to `body`; they must not escape it.
    /// - Parameter body: Reads the bytes.
    /// - Returns: What `body` returns.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(rebasing: self.storage[0..<self.count]))
    }

    /// Compares with another secret in constant time.
    /// - Parameter other: The other secret.
    /// - Returns: Whether both hold the same bytes.
    public func isEqual(to other: SecretBytes) -> Bool {
        self.withUnsafeBytes { mine in other.withUnsafeBytes { theirs in ConstantTime.equal(mine, theirs) } }
    }

    /// Overwrites a transient copy of secret bytes with zeros (`OPENSSL_cleanse`, which the
    /// optimiser cannot remove).
    /// - Parameter bytes: The copy to wipe; its length is kept.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
        }
    }

    /// `<redacted N bytes>`: never the bytes.
    public var description: String { "<redacted \(self.count) bytes>" }
    /// `<redacted N bytes>`: never the bytes.
    public var debugDescription: String { self.description }
}
