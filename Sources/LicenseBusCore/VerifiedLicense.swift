public import LicenseBusJSON

/// A license whose signature, type and claims have been verified (SPEC §1).
public struct VerifiedLicense: Sendable, Hashable {
    /// The license file's JWS, trimmed.
    public let token: String
    /// The signing algorithm.
    public let algorithm: JWSAlgorithm
    /// The id of the trusted key that verified the signature.
    public let verifiedKeyID: String
    /// The protected header as received.
    public var header: [String: JSONValue] { self.licenseHeader.object }
    /// The protected header, as the verifier read it.
    let licenseHeader: JOSEHeader
    /// The typed claims.
    public let claims: LicenseClaims

    /// Two verified licenses are the same when their tokens are.
    public static func == (lhs: VerifiedLicense, rhs: VerifiedLicense) -> Bool {
        lhs.token == rhs.token
    }

    /// Hashes the token.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.token)
    }
}
