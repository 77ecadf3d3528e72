/// An error from the crypto layer: a stable ``Code`` plus a sentence for people.
///
/// The crypto layer never chooses license reason codes; the license core maps these codes
/// (for example ``Code/authenticationFailed`` becomes `decrypt_failed`).
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier of what went wrong.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's text.
        public let rawValue: String
        /// Makes a code from its text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { self.rawValue }

        /// The bytes are not a key of a supported kind (not PEM, not RSA, encrypted, damaged).
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// The RSA key is smaller than the required minimum.
        public static let keyTooSmall = Code(rawValue: "key_too_small")
        /// An input has the wrong size or shape (key length, IV length, tag length).
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// An AEAD tag did not match: the data, the AAD, the IV or the key is wrong.
        public static let authenticationFailed = Code(rawValue: "authentication_failed")
        /// OpenSSL failed where it should not (out of memory, provider missing).
        public static let internalFailure = Code(rawValue: "internal_failure")
    }

    /// What went wrong, stable across releases; `==` compares only this.
    public let code: Code
    /// One sentence for people; never holds secret bytes.
    public let message: String
    /// OpenSSL's own reason text, when OpenSSL reported one; developer detail.
    public let underlying: String?

    /// Makes an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: One sentence for people.
    ///   - underlying: OpenSSL's reason text, if any.
    public init(_ code: Code, _ message: String, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message (underlying)`.
    public var description: String {
        if let underlying = self.underlying, !underlying.isEmpty {
            return "\(self.code): \(self.message) (\(underlying))"
        }
        return "\(self.code): \(self.message)"
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool {
        lhs.code == rhs.code
    }
}
