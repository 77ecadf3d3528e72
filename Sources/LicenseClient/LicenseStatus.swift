public import LicenseBusCore

/// The edition state of SPEC §5.
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

/// Where the license held came from.
public enum LicenseSource: String, Sendable {
    /// The local key file.
    case keyFile = "key_file"
    /// The bus.
    case bus
    /// No license is held.
    case none
}

/// A snapshot of what an instance sees: the state, the license and where it came from.
public struct LicenseStatus: Sendable, Equatable {
    /// The state now.
    public let state: LicenseState
    /// The license held, even when it no longer grants (expired, clock rolled back).
    public let license: VerifiedLicense?
    /// Where it came from.
    public let source: LicenseSource

    /// Makes a status.
    /// - Parameters:
    ///   - state: The state.
    ///   - license: The license held.
    ///   - source: Where it came from.
    public init(state: LicenseState, license: VerifiedLicense?, source: LicenseSource) {
        self.state = state
        self.license = license
        self.source = source
    }

    /// Whether `feature` is granted now: the state grants and the license lists the feature.
    /// - Parameter feature: An entitlement name.
    /// - Returns: Whether the host app may enable it.
    public func allows(_ feature: String) -> Bool {
        self.state.grants && self.license?.claims.features.contains(feature) == true
    }

    /// The license's limits while it grants; empty otherwise.
    public var limits: [String: Int64] {
        self.state.grants ? self.license?.claims.limits ?? [:] : [:]
    }

    /// Two statuses are equal when state, license id and source are.
    public static func == (lhs: LicenseStatus, rhs: LicenseStatus) -> Bool {
        lhs.state == rhs.state && lhs.license?.claims.licenseID == rhs.license?.claims.licenseID
            && lhs.source == rhs.source
    }
}
