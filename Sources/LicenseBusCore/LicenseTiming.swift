public import FoundationEssentials

/// The time rules of SPEC §1 and §5.
public enum LicenseTiming {
    /// Clock-skew leeway applied to `nbf` and `exp`, in seconds.
    public static let leeway: Int64 = 60
    /// How far in the future `iat` may be, in seconds.
    public static let maximumIssuedAtSkew: Int64 = 300

    /// Whole seconds since 1970, rounded down.
    /// - Parameter date: A time.
    /// - Returns: Its Unix time in seconds.
    public static func seconds(_ date: Date) -> Int64 {
        let value = date.timeIntervalSince1970.rounded(.down)
        guard value > Double(Int64.min), value < Double(Int64.max) else { return value < 0 ? .min : .max }
        return Int64(value)
    }
}

/// Where a verified license stands at a given time.
public enum LicenseStanding: Sendable, Hashable {
    /// Valid: it grants its edition.
    case active
    /// Past `exp` but within `grace`: it still grants, with a warning, until `endsAt`.
    case grace(endsAt: Int64)
    /// Past `exp` (and `grace`): it grants nothing.
    case expired
    /// Before `nbf`, or `iat` too far ahead: it grants nothing yet.
    case notYetValid

    /// Whether the license grants its edition in this standing.
    public var grants: Bool {
        switch self {
        case .active, .grace: true
        case .expired, .notYetValid: false
        }
    }

    /// The reason code when it does not grant.
    public var reason: LicenseError.Code? {
        switch self {
        case .active, .grace: nil
        case .expired: .expired
        case .notYetValid: .notYetValid
        }
    }
}

extension LicenseClaims {
    /// The standing of the license at `now`, with the SPEC's leeway.
    /// - Parameter now: The current time.
    /// - Returns: Active, in grace, expired or not yet valid.
    public func standing(at now: Date) -> LicenseStanding {
        self.standing(atSeconds: LicenseTiming.seconds(now))
    }

    /// The standing at `now` seconds since 1970.
    /// - Parameter now: The current Unix time.
    /// - Returns: Active, in grace, expired or not yet valid.
    public func standing(atSeconds now: Int64) -> LicenseStanding {
        if self.issuedAt.subtractingClamped(LicenseTiming.maximumIssuedAtSkew) > now {
            return .notYetValid
        }
        if let notBefore = self.notBefore, now.addingClamped(LicenseTiming.leeway) < notBefore {
            return .notYetValid
        }
        guard let expiresAt = self.expiresAt else { return .active }
        let shifted = now.subtractingClamped(LicenseTiming.leeway)
        if shifted < expiresAt { return .active }
        let graceEnd = expiresAt.addingClamped(self.gracePeriod ?? 0)
        if shifted < graceEnd { return .grace(endsAt: graceEnd) }
        return .expired
    }

    /// The next time at which ``standing(atSeconds:)`` may change, if any (for timers).
    /// - Parameter now: The current Unix time.
    /// - Returns: The Unix time of the next transition, or nil when none is ahead.
    public func nextTransition(afterSeconds now: Int64) -> Int64? {
        var candidates: [Int64] = [self.issuedAt.subtractingClamped(LicenseTiming.maximumIssuedAtSkew)]
        if let notBefore = self.notBefore { candidates.append(notBefore.subtractingClamped(LicenseTiming.leeway)) }
        if let expiresAt = self.expiresAt {
            candidates.append(expiresAt.addingClamped(LicenseTiming.leeway))
            candidates.append(expiresAt.addingClamped(self.gracePeriod ?? 0).addingClamped(LicenseTiming.leeway))
        }
        return candidates.filter { $0 > now }.min()
    }
}

extension Int64 {
    func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = self.addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func subtractingClamped(_ other: Int64) -> Int64 {
        let (difference, overflow) = self.subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : difference
    }
}
