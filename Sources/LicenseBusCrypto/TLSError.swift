/// An error of a TLS connection: a stable ``Code`` plus a sentence for people.
///
/// Certificate verification failures name their cause, so an operator can tell an expired
/// certificate from an unknown CA from a certificate issued for another host.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier of what went wrong.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's text.
        public let rawValue: String
        /// Makes a code from its text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { self.rawValue }

        /// The peer's certificate (or one in its chain) has expired.
        public static let certificateExpired = Code(rawValue: "certificate_expired")
        /// The peer's certificate does not chain to a trusted CA.
        public static let unknownAuthority = Code(rawValue: "unknown_authority")
        /// The peer's certificate was issued for another host name or IP address.
        public static let hostnameMismatch = Code(rawValue: "hostname_mismatch")
        /// The peer's certificate failed verification for another reason (not yet valid, bad purpose, ...).
        public static let certificateRejected = Code(rawValue: "certificate_rejected")
        /// The handshake failed: an alert from the peer (for example a missing client certificate),
        /// no common protocol version, or bytes that are not TLS.
        public static let handshakeFailed = Code(rawValue: "handshake_failed")
        /// A CA, certificate or key file cannot be loaded, or the key does not match the certificate.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The peer ended the TLS session.
        public static let closed = Code(rawValue: "closed")
    }

    /// What went wrong; `==` compares only this.
    public let code: Code
    /// One sentence for people; never holds key material.
    public let message: String
    /// OpenSSL's own reason text, when it reported one; developer detail.
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
    public static func == (lhs: TLSError, rhs: TLSError) -> Bool {
        lhs.code == rhs.code
    }
}
