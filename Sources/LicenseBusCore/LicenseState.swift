/// The edition state of SPEC §5, derived from a license and the time.
public enum LicenseState: Sendable, Equatable, CustomStringConvertible {
    /// No valid license; the reason code when one applies.
    case community(reason: LicenseError.Code?)
    /// A valid license grants its edition.
    case enterprise
    /// Past `exp`, within `grace`: still granted, with a warning, until `endsAt` (Unix time).
    case grace(endsAt: Int64)

    /// Whether enterprise features are granted (enterprise or grace).
    public var grants: Bool {
        if case .community = self { return false }
        return true
    }

    /// `community`, `enterprise` or `grace`.
    public var name: String {
        switch self {
        case .community: "community"
        case .enterprise: "enterprise"
        case .grace: "grace"
        }
    }

    /// The reason code, for community.
    public var reason: LicenseError.Code? {
        if case .community(let reason) = self { return reason }
        return nil
    }

    /// The name, and the reason when there is one.
    public var description: String {
        if let reason = self.reason { return "\(self.name) [\(reason)]" }
        return self.name
    }
}

extension LicenseClaims {
    /// The state this license gives at `now`: `community` grants nothing, whatever the time;
    /// otherwise the standing decides (active: enterprise, grace, or community with the reason).
    /// - Parameter now: Unix time.
    /// - Returns: The state.
    public func state(atSeconds now: Int64) -> LicenseState {
        switch self.standing(atSeconds: now) {
        case .active: self.grantsEdition ? .enterprise : .community(reason: nil)
        case .grace(let endsAt): self.grantsEdition ? .grace(endsAt: endsAt) : .community(reason: nil)
        case .expired: .community(reason: .expired)
        case .notYetValid: .community(reason: .notYetValid)
        }
    }
}
