/// An error of the NATS client: a stable ``Code`` plus a sentence for people.
///
/// Messages never contain credentials: URLs in them are shown with their user info redacted.
public struct NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier of what went wrong.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's text.
        public let rawValue: String
        /// Makes a code from its text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { self.rawValue }

        /// The server sent bytes that are not the NATS protocol.
        public static let protocolError = Code(rawValue: "protocol_error")
        /// No server of the pool could be reached (or the pool is empty).
        public static let connectionFailed = Code(rawValue: "connection_failed")
        /// The connection is closed; nothing more can be done with it.
        public static let connectionClosed = Code(rawValue: "connection_closed")
        /// The operation did not finish before its deadline.
        public static let timeout = Code(rawValue: "timeout")
        /// A request found no subscriber (status 503 from the server).
        public static let noResponders = Code(rawValue: "no_responders")
        /// The payload is larger than the server's `max_payload`.
        public static let maxPayloadExceeded = Code(rawValue: "max_payload_exceeded")
        /// The outbound buffer (or, while disconnected, the reconnect buffer) is full.
        public static let bufferFull = Code(rawValue: "buffer_full")
        /// The server refused the credentials (`Authorization Violation`).
        public static let authorizationViolation = Code(rawValue: "authorization_violation")
        /// The server says the credentials expired or were revoked.
        public static let authenticationExpired = Code(rawValue: "authentication_expired")
        /// The server refused a publish or subscription (`Permissions Violation`).
        public static let permissionViolation = Code(rawValue: "permission_violation")
        /// A subject, queue group or reply subject is not valid.
        public static let invalidSubject = Code(rawValue: "invalid_subject")
        /// A header name or value is not valid, or the server does not support headers.
        public static let invalidHeader = Code(rawValue: "invalid_header")
        /// The server stopped answering PINGs, or said `Stale Connection`.
        public static let staleConnection = Code(rawValue: "stale_connection")
        /// A setting of the client is not valid (a URL, a limit).
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The server's TLS certificate has expired.
        public static let tlsCertificateExpired = Code(rawValue: "tls_certificate_expired")
        /// The server's TLS certificate is not signed by a trusted CA (`NATS_CA` or the system store).
        public static let tlsUnknownAuthority = Code(rawValue: "tls_unknown_authority")
        /// The server's TLS certificate is not valid for the host name (or IP address) connected to.
        public static let tlsHostnameMismatch = Code(rawValue: "tls_hostname_mismatch")
        /// TLS failed otherwise: the server does not offer it, refused the handshake (for example
        /// for want of a client certificate), or sent bytes that are not TLS.
        public static let tlsFailed = Code(rawValue: "tls_failed")
        /// The server reported an error that is not one of the above.
        public static let serverError = Code(rawValue: "server_error")
        /// The calling task was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
    }

    /// What went wrong; `==` compares only this.
    public let code: Code
    /// One sentence for people; never holds a secret.
    public let message: String

    /// Makes an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: One sentence for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code): \(self.message)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: NATSError, rhs: NATSError) -> Bool {
        lhs.code == rhs.code
    }

    static let closed = NATSError(.connectionClosed, "the connection is closed")

    /// Whether retrying the same server cannot help until someone changes a certificate or a setting.
    var isTLSVerificationFailure: Bool {
        [.tlsCertificateExpired, .tlsUnknownAuthority, .tlsHostnameMismatch].contains(self.code)
    }
}
