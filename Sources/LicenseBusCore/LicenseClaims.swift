public import LicenseBusJSON

/// The claims of a license (SPEC §1), typed, with every claim kept as received.
public struct LicenseClaims: Sendable, Hashable {
    /// `iss`: who issued the license.
    public let issuer: String
    /// `aud`: the product ids the license is for (a single string becomes one element).
    public let audience: [String]
    /// `sub`: the customer id.
    public let subject: String
    /// `jti`: the license id.
    public let licenseID: String
    /// `iat`: when it was issued, in seconds since 1970.
    public let issuedAt: Int64
    /// `nbf`: not valid before, in seconds since 1970.
    public let notBefore: Int64?
    /// `exp`: expiry in seconds since 1970; nil for a perpetual license.
    public let expiresAt: Int64?
    /// `grace`: seconds after `exp` during which the license still grants.
    public let gracePeriod: Int64?
    /// `edition`: `community` grants nothing; any other value is the edition granted.
    public let edition: String
    /// `features`: the entitlements a host app gates on.
    public let features: [String]
    /// `limits`: e.g. `max_instances`, enforced by the host app.
    public let limits: [String: Int64]
    /// `customer`: a display name.
    public let customer: String?
    /// Every claim as received, unknown ones included.
    public var all: [String: JSONValue] {
        var all = self.others
        all["iss"] = .string(self.issuer)
        all["aud"] =
            self.shape.audienceIsSingle ? .string(self.audience[0]) : .array(self.audience.map(JSONValue.string))
        all["sub"] = .string(self.subject)
        all["jti"] = .string(self.licenseID)
        all["iat"] = .integer(self.issuedAt)
        all["nbf"] = self.notBefore.map(JSONValue.integer)
        all["exp"] = self.expiresAt.map(JSONValue.integer)
        all["grace"] = self.gracePeriod.map(JSONValue.integer)
        all["edition"] = .string(self.edition)
        if self.shape.hasFeatures { all["features"] = .array(self.features.map(JSONValue.string)) }
        if self.shape.hasLimits { all["limits"] = .object(self.limits.mapValues(JSONValue.integer)) }
        all["customer"] = self.customer.map(JSONValue.string)
        return all
    }

    /// The claims not typed above, as received.
    private let others: [String: JSONValue]
    /// What the typed claims do not tell of the payload, so that ``all`` gives it back exactly.
    private let shape: Shape

    private struct Shape: Hashable {
        /// `aud` was one string, not an array.
        let audienceIsSingle: Bool
        /// `features` was present (it may be an empty array).
        let hasFeatures: Bool
        /// `limits` was present (it may be an empty object).
        let hasLimits: Bool
    }

    /// Whether the edition grants anything (it is not `community`).
    public var grantsEdition: Bool { self.edition != "community" }

    /// Types the claims of a payload object.
    /// - Parameter object: The decoded JWT payload.
    /// - Throws: ``LicenseError/Code/malformed`` for a missing required claim or a claim of the wrong type.
    public init(_ object: [String: JSONValue]) throws(LicenseError) {
        var slots = ClaimSlots()
        slots.iss = ClaimSlot(object["iss"])
        slots.aud = ClaimSlot(object["aud"])
        slots.sub = ClaimSlot(object["sub"])
        slots.jti = ClaimSlot(object["jti"])
        slots.iat = ClaimSlot(object["iat"])
        slots.nbf = ClaimSlot(object["nbf"])
        slots.exp = ClaimSlot(object["exp"])
        slots.grace = ClaimSlot(object["grace"])
        slots.edition = ClaimSlot(object["edition"])
        slots.features = ClaimSlot(object["features"])
        slots.limits = ClaimSlot(object["limits"])
        slots.customer = ClaimSlot(object["customer"])
        slots.others = object.filter { name, _ in !Claim.allCases.contains { $0.name == name } }
        try self.init(taking: &slots)
    }

    /// Types the claims found in a payload, checking them in the SPEC §5 order. Each slot's value
    /// is moved out, not copied, so `slots` is left empty.
    init(taking slots: inout ClaimSlots) throws(LicenseError) {
        // What `all` needs of the shape is read before the slots are emptied.
        let hasFeatures = slots.features.isPresent
        let hasLimits = slots.limits.isPresent
        self.issuer = try slots.iss.take().resolve { value throws(LicenseError) in
            try ClaimTyping.requiredString(value, .iss)
        }
        let audience = try slots.aud.take().resolve(ClaimTyping.audience)
        self.audience = audience.values
        self.subject = try slots.sub.take().resolve { value throws(LicenseError) in
            try ClaimTyping.requiredString(value, .sub)
        }
        self.licenseID = try slots.jti.take().resolve { value throws(LicenseError) in
            try ClaimTyping.requiredString(value, .jti)
        }
        self.issuedAt = try slots.iat.take().resolve { value throws(LicenseError) in
            try ClaimTyping.requiredInteger(value, .iat)
        }
        self.notBefore = try Self.optionalInteger(slots.nbf.take(), .nbf)
        self.expiresAt = try Self.optionalInteger(slots.exp.take(), .exp)
        self.gracePeriod = try Self.optionalInteger(slots.grace.take(), .grace)
        if let grace = self.gracePeriod, grace < 0 {
            throw LicenseError(.malformed, "claim 'grace' is negative")
        }
        self.edition = try slots.edition.take().resolve { value throws(LicenseError) in
            try ClaimTyping.requiredString(value, .edition)
        }
        self.features = try slots.features.take().resolve(ClaimTyping.features)
        self.limits = try slots.limits.take().resolve(ClaimTyping.limits)
        self.customer = try Self.optionalString(slots.customer.take(), .customer)
        var others: [String: JSONValue] = [:]
        swap(&others, &slots.others)
        self.others = others
        self.shape = Shape(
            audienceIsSingle: audience.isSingle,
            hasFeatures: hasFeatures,
            hasLimits: hasLimits
        )
    }

    private static func optionalInteger(_ slot: ClaimSlot<Int64>, _ claim: Claim) throws(LicenseError) -> Int64? {
        switch slot {
        case .typed(let value): value
        case .absent: nil
        case .received(let value): try ClaimTyping.optionalInteger(value, claim)
        }
    }

    private static func optionalString(_ slot: ClaimSlot<String>, _ claim: Claim) throws(LicenseError) -> String? {
        switch slot {
        case .typed(let value): value
        case .absent: nil
        case .received(let value): try ClaimTyping.optionalString(value, claim)
        }
    }
}
