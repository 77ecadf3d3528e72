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

        /// TLS: the peer's certificate (or one in its chain) has expired.
        public static let certificateExpired = Code(rawValue: "certificate_expired")
        /// TLS: the peer's certificate does not chain to a trusted CA.
        public static let unknownAuthority = Code(rawValue: "unknown_authority")
        /// TLS: the peer's certificate was issued for another host name or IP address.
        public static let hostnameMismatch = Code(rawValue: "hostname_mismatch")
        /// TLS: the peer's certificate failed verification for another reason (not yet valid, bad purpose, ...).
        public static let certificateRejected = Code(rawValue: "certificate_rejected")
        /// TLS: the handshake or a record failed: an alert from the peer (for example a missing
        /// client certificate), no common protocol version, or bytes that are not TLS.
        public static let handshakeFailed = Code(rawValue: "handshake_failed")
        /// TLS: a CA, certificate or key file cannot be loaded, or the key is not the certificate's.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// TLS: the peer ended the session.
        public static let closed = Code(rawValue: "closed")
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
