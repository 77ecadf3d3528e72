public import FoundationEssentials
internal import LicenseBusCrypto
internal import LicenseBusJSON

/// Verifies license files (SPEC §1) in the SPEC §5 order: JWS shape, `alg`, `typ`,
/// signature, claim types, `iss`, `aud`, `nbf`, `exp`/`grace`.
///
/// A pure function of (token, now, trusted keys, expected issuer and audience).
/// - Important: Immutable; safe to share between threads.
public struct LicenseVerifier: Sendable {
    /// The vendor keys whose signatures are trusted.
    public let trustedKeys: VendorKeySet
    /// The issuer `iss` must equal; nil: not checked.
    public let issuer: String?
    /// The audience `aud` must contain; nil: not checked.
    public let audience: String?

    /// Makes a verifier.
    /// - Parameters:
    ///   - trustedKeys: The vendor keys to trust.
    ///   - issuer: The required issuer, or nil.
    ///   - audience: The required audience (product id), or nil.
    public init(trustedKeys: VendorKeySet, issuer: String? = nil, audience: String? = nil) {
        self.trustedKeys = trustedKeys
        self.issuer = issuer
        self.audience = audience
    }

    /// Verifies a license, including its standing at `now`.
    /// - Parameters:
    ///   - token: The license file's text.
    ///   - now: The current time.
    /// - Returns: The verified license; it is active or in grace at `now`.
    /// - Throws: ``LicenseError`` with `malformed`, `unsupported_alg`, `wrong_type`, `untrusted_key`,
    ///   `bad_signature`, `wrong_issuer`, `wrong_audience`, `not_yet_valid` or `expired`.
    public func verify(_ token: String, now: Date) throws(LicenseError) -> VerifiedLicense {
        let license = try self.verifyIgnoringTime(token)
        switch license.claims.standing(at: now) {
        case .active, .grace: return license
        case .notYetValid: throw Self.notYetValidError(license.claims, now: now)
        case .expired:
            throw LicenseError(.expired, "the license expired", hint: "ask the vendor for a renewed license")
        }
    }

    /// Verifies everything but time: shape, algorithm, type, signature, claims, issuer, audience.
    /// - Parameter token: The license file's text.
    /// - Returns: The verified license, whatever its standing.
    /// - Throws: ``LicenseError`` with any code of ``verify(_:now:)`` but `not_yet_valid` and `expired`.
    public func verifyIgnoringTime(_ token: String) throws(LicenseError) -> VerifiedLicense {
        let compact = try CompactToken(token, partCount: 3, what: "license")
        // The three parts are decoded into one temporary buffer (JWS shape first, as SPEC §5
        // orders); nothing is kept but the header and the typed claims.
        // The closures capture the keys, not `self`, so that the verifier is not copied into each.
        let trustedKeys = self.trustedKeys.entries
        let (header, algorithm, keyID, claims) = try compact.withDecoded(
            (0, 1, 2),
            parts: ("license header", "license payload", "license signature")
        ) { headerBytes, payload, signature throws(LicenseError) in
            let header = try JOSEHeader(decoding: headerBytes, part: "license header")
            let algorithm = try Self.algorithm(in: header)
            try Self.checkType(in: header)
            let keyID = try Self.verifySignature(
                signature,
                of: compact,
                header: header,
                algorithm: algorithm,
                trusting: trustedKeys
            )
            return (header, algorithm, keyID, try LicenseClaims(payload: payload))
        }
        try self.checkIssuerAndAudience(of: claims)
        return VerifiedLicense(
            token: compact.text,
            algorithm: algorithm,
            verifiedKeyID: keyID,
            licenseHeader: header,
            claims: claims
        )
    }

    private func checkIssuerAndAudience(of claims: LicenseClaims) throws(LicenseError) {
        if let issuer = self.issuer, claims.issuer != issuer {
            throw LicenseError(
                .wrongIssuer,
                "the license was issued by '\(claims.issuer)', not '\(issuer)'",
                hint: "check LICENSE_ISSUER"
            )
        }
        if let audience = self.audience, !claims.isFor(product: audience) {
            throw LicenseError(
                .wrongAudience,
                "the license is for \(claims.audience), not '\(audience)'",
                hint: "check LICENSE_AUDIENCE, or ask the vendor for a license for this product"
            )
        }
    }

    private static func algorithm(in header: JOSEHeader) throws(LicenseError) -> JWSAlgorithm {
        guard let value = header.algorithm else { throw LicenseError(.malformed, "the license header has no 'alg'") }
        guard let name = value.stringValue, let algorithm = JWSAlgorithm(rawValue: name) else {
            let shown = value.stringValue.map { "'\($0)'" } ?? value.typeName
            throw LicenseError(.unsupportedAlg, "the license algorithm \(shown) is not RS256 or PS256")
        }
        if header.critical != nil {
            throw LicenseError(.malformed, "the license header has 'crit' extensions this verifier does not know")
        }
        return algorithm
    }

    private static func checkType(in header: JOSEHeader) throws(LicenseError) {
        guard let type = header.type?.stringValue else {
            throw LicenseError(.wrongType, "the license header has no 'typ' of license+jwt")
        }
        // RFC 7515 §4.1.9: compared case-insensitively; "application/" may be omitted. The
        // exact form, which licenses carry, is a single comparison of two small strings.
        guard type == "license+jwt" || type.equalsIgnoringASCIICase("license+jwt", optionalPrefix: "application/")
        else {
            throw LicenseError(.wrongType, "the token's typ is '\(type)', not license+jwt")
        }
    }

    private static func verifySignature(
        _ signature: UnsafeRawBufferPointer,
        of compact: CompactToken,
        header: JOSEHeader,
        algorithm: JWSAlgorithm,
        trusting trustedKeys: [VendorKeySet.Entry]
    ) throws(LicenseError) -> String {
        var candidates = trustedKeys[...]
        if let kidValue = header.keyID {
            guard let kid = kidValue.stringValue else {
                throw LicenseError(.malformed, "the license header's 'kid' is \(kidValue.typeName), not a string")
            }
            guard let index = candidates.firstIndex(where: { $0.id == kid }) else {
                throw LicenseError(
                    .untrustedKey,
                    "the license is signed with key '\(kid)', which is not trusted",
                    hint: "add the vendor's public key of that id, or ask the vendor which key signed it"
                )
            }
            candidates = candidates[index...index]
        }
        guard !candidates.isEmpty else {
            throw LicenseError(.untrustedKey, "no vendor public key is trusted", hint: "set the vendor public key")
        }
        // The signing input is the ASCII of `header.payload`, a prefix of the trimmed token.
        let signingInputLength = compact.ranges[1].upperBound
        let verifiedID = compact.withBytes { token -> String? in
            let signingInput = UnsafeRawBufferPointer(rebasing: token[0..<signingInputLength])
            return candidates.first { entry in
                (try? entry.key.isValidSignature(signature, for: signingInput, scheme: algorithm.scheme)) == true
            }?.id
        }
        guard let verifiedID else {
            throw LicenseError(
                .badSignature,
                "the license signature does not verify with the trusted vendor key",
                hint: "the file was altered or signed by someone else; ask the vendor for the original"
            )
        }
        return verifiedID
    }

    private static func notYetValidError(_ claims: LicenseClaims, now: Date) -> LicenseError {
        let seconds = LicenseTiming.seconds(now)
        if claims.issuedAt.subtractingClamped(LicenseTiming.maximumIssuedAtSkew) > seconds {
            return LicenseError(
                .notYetValid,
                "the license's iat is more than 5 minutes in the future",
                hint: "check this host's clock; a license from the future is refused"
            )
        }
        return LicenseError(.notYetValid, "the license is not valid before its nbf", hint: "wait, or check the clock")
    }
}
