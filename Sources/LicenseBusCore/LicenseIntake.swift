public import FoundationEssentials

/// The whole decision of SPEC §5 for one envelope: open, verify, clock rollback, freshness.
/// A pure function of (envelope, now, ring, verifier, license held, latest time seen).
public struct LicenseIntake: Sendable {
    /// What to do with an envelope that passed every check.
    public enum Outcome: Sendable, Equatable {
        /// A fresher license: it replaces the one held and is persisted.
        case accepted(VerifiedLicense)
        /// The license held, again: no change, no rewrite.
        case repeated
    }

    /// How far behind the latest time seen the clock may be (24 h).
    public static let rollbackTolerance: Int64 = 86_400

    /// The distribution key ring.
    public let ring: DistributionKeyRing
    /// The license verifier (trusted vendor keys, issuer, audience).
    public let verifier: LicenseVerifier

    /// Makes an intake.
    /// - Parameters:
    ///   - ring: The distribution key ring.
    ///   - verifier: The verifier.
    public init(ring: DistributionKeyRing, verifier: LicenseVerifier) {
        self.ring = ring
        self.verifier = verifier
    }

    /// Whether `now` is more than 24 h behind `latestSeen` (SPEC §5 `clock_rollback`).
    /// - Parameters:
    ///   - now: Unix time now.
    ///   - latestSeen: The latest time seen, if any.
    /// - Returns: Whether the clock was rolled back.
    public static func isRolledBack(now: Int64, latestSeen: Int64?) -> Bool {
        guard let latestSeen else { return false }
        return now < latestSeen.subtractingClamped(rollbackTolerance)
    }

    /// Judges one envelope.
    /// - Parameters:
    ///   - envelope: The envelope text.
    ///   - now: The current time.
    ///   - held: The license held now, if any.
    ///   - latestSeen: The latest time seen (clock memory), if any.
    /// - Returns: Accepted (fresher) or repeated.
    /// - Throws: ``LicenseError`` with the first failing check's code, in the SPEC §5 order:
    ///   `malformed`, `unknown_kid`, `decrypt_failed`, `unsupported_alg`, `wrong_type`, `untrusted_key`,
    ///   `bad_signature`, `wrong_issuer`, `wrong_audience`, `not_yet_valid`, `expired`, `stale`, and
    ///   `clock_rollback` when the clock is more than 24 h behind the latest time seen.
    public func judge(
        _ envelope: String,
        now: Date,
        held: VerifiedLicense?,
        latestSeen: Int64?
    ) throws(LicenseError)
        -> Outcome
    {
        let license = try self.verifier.verify(try LicenseEnvelope.open(envelope, ring: self.ring), now: now)
        if Self.isRolledBack(now: LicenseTiming.seconds(now), latestSeen: latestSeen) {
            throw LicenseError(
                .clockRollback,
                "the clock is more than 24 h behind the latest time this instance has seen",
                hint: "fix the clock; see the operator guide to reset the clock memory on purpose"
            )
        }
        switch LicenseFreshness.compare(license.claims, with: held?.claims) {
        case .newer: return .accepted(license)
        case .repeated: return .repeated
        case .stale:
            throw LicenseError(
                .stale,
                "the license \(license.claims.licenseID) is not newer than the one held",
                hint: "an older license cannot replace a newer one; issue a new license with a later iat"
            )
        }
    }
}
