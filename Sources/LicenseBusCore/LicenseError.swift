/// Why a license or envelope was not accepted: one stable SPEC §5 code, a sentence and a hint.
public struct LicenseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A SPEC §5 reason code; `rawValue` is the SPEC's string.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The SPEC's string, e.g. `expired`.
        public let rawValue: String
        /// Makes a code from its SPEC string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The SPEC's string.
        public var description: String { self.rawValue }

        /// The token, envelope or a claim's type is not what the format requires.
        public static let malformed = Code(rawValue: "malformed")
        /// The envelope's `kid` is not in the distribution key ring.
        public static let unknownKID = Code(rawValue: "unknown_kid")
        /// The envelope's AES-GCM tag does not verify under the ring's key.
        public static let decryptFailed = Code(rawValue: "decrypt_failed")
        /// The JWS `alg` is not `RS256` or `PS256`.
        public static let unsupportedAlg = Code(rawValue: "unsupported_alg")
        /// The JWS `typ` is not `license+jwt`.
        public static let wrongType = Code(rawValue: "wrong_type")
        /// The JWS names a key that is not trusted (or no key is trusted).
        public static let untrustedKey = Code(rawValue: "untrusted_key")
        /// The signature does not verify with any trusted key it may use.
        public static let badSignature = Code(rawValue: "bad_signature")
        /// `iss` differs from the configured issuer.
        public static let wrongIssuer = Code(rawValue: "wrong_issuer")
        /// `aud` does not contain the configured audience.
        public static let wrongAudience = Code(rawValue: "wrong_audience")
        /// `nbf` is in the future, or `iat` more than five minutes ahead.
        public static let notYetValid = Code(rawValue: "not_yet_valid")
        /// `exp` (and any `grace`) has passed.
        public static let expired = Code(rawValue: "expired")
        /// Older than the license held: replaying it cannot downgrade or swap a license.
        public static let stale = Code(rawValue: "stale")
        /// The clock is more than 24 h behind the latest time this instance has seen.
        public static let clockRollback = Code(rawValue: "clock_rollback")
        /// The local key file is unreadable, truncated or invalid.
        public static let cacheInvalid = Code(rawValue: "cache_invalid")

        /// Every SPEC §5 code, in the SPEC's order.
        public static let all: [Code] = [
            .malformed, .unknownKID, .decryptFailed, .unsupportedAlg, .wrongType, .untrustedKey, .badSignature,
            .wrongIssuer, .wrongAudience, .notYetValid, .expired, .stale, .clockRollback, .cacheInvalid,
        ]
    }

    /// The stable code; `==` compares only this.
    public let code: Code
    /// What happened, one sentence, no secrets.
    public let message: String
    /// What an operator can do next.
    public let hint: String?
    /// A lower layer's error, for developers.
    public let underlying: (any Error & Sendable)?

    /// Makes an error.
    /// - Parameters:
    ///   - code: The SPEC code.
    ///   - message: What happened.
    ///   - hint: What to do next.
    ///   - underlying: The lower layer's error.
    public init(_ code: Code, _ message: String, hint: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.underlying = underlying
    }

    /// `[code] message`.
    public var description: String { "[\(self.code)] \(self.message)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: LicenseError, rhs: LicenseError) -> Bool {
        lhs.code == rhs.code
    }
}
