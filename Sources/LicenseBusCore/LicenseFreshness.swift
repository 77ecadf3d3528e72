/// The anti-rollback rule of SPEC §5: which of two valid licenses is in force.
public enum LicenseFreshness: Sendable, Hashable {
    /// The candidate is newer: it replaces the current license.
    case newer
    /// The candidate is the license held (same `iat` and `jti`): nothing changes, nothing is rewritten.
    case repeated
    /// The candidate is older, or as old with another `jti`: it is ignored (`stale`).
    case stale

    /// Compares a candidate with the license currently held.
    /// - Parameters:
    ///   - candidate: A valid license just received.
    ///   - current: The license held, if any.
    /// - Returns: Whether the candidate is newer, a repeat, or stale.
    public static func compare(_ candidate: LicenseClaims, with current: LicenseClaims?) -> LicenseFreshness {
        guard let current else { return .newer }
        if candidate.issuedAt > current.issuedAt { return .newer }
        if candidate.issuedAt == current.issuedAt && candidate.licenseID == current.licenseID { return .repeated }
        return .stale
    }
}
