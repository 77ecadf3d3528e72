public import LicenseBusCore

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
    /// What the community state's reason code stands for here, for an operator: the refusal that
    /// left no license (e.g. why the key file is `cache_invalid`), or the clock that rolled back.
    /// Nil when no license was refused, and for states that grant.
    public let detail: String?

    /// Makes a status.
    /// - Parameters:
    ///   - state: The state.
    ///   - license: The license held.
    ///   - source: Where it came from.
    ///   - detail: What the reason code stands for here.
    public init(state: LicenseState, license: VerifiedLicense?, source: LicenseSource, detail: String? = nil) {
        self.state = state
        self.license = license
        self.source = source
        self.detail = detail
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

    /// Two statuses are equal when state, license id and source are (the detail does not count).
    public static func == (lhs: LicenseStatus, rhs: LicenseStatus) -> Bool {
        lhs.state == rhs.state && lhs.license?.claims.licenseID == rhs.license?.claims.licenseID
            && lhs.source == rhs.source
    }
}
