public import LicenseBusJSON

/// The claims of a license (SPEC §1), typed, with every claim kept as received.
public struct LicenseClaims: Sendable, Hashable {
    /// `iss`: who issued the license.
    public let issuer: String
    /// `aud`: the product ids the license is for (a single string becomes one element).
    public var audience: [String] { self.productIDs.values }
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
            switch self.productIDs {
            case .single(let value): .string(value)
            case .list(let values): .array(values.map(JSONValue.string))
            }
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

    /// `aud` as received: one string or an array.
    private let productIDs: Audience
    /// The claims not typed above, as received.
    private let others: [String: JSONValue]
    /// What the typed claims do not tell of the payload, so that ``all`` gives it back exactly.
    private let shape: Shape

    private struct Shape: Hashable {
        /// `features` was present (it may be an empty array).
        let hasFeatures: Bool
        /// `limits` was present (it may be an empty object).
        let hasLimits: Bool
    }

    /// Whether `product` is one of the product ids of `aud`.
    /// - Parameter product: A product id.
    /// - Returns: Whether the license is for that product.
    public func isFor(product: String) -> Bool {
        self.productIDs.contains(product)
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

    /// Claims read whole from a payload that holds every required claim, each of its type, and
    /// no other member.
    /// - Parameters:
    ///   - features: nil when the payload has no `features`.
    ///   - limits: nil when the payload has no `limits`.
    init(
        issuer: String,
        productIDs: Audience,
        subject: String,
        licenseID: String,
        issuedAt: Int64,
        notBefore: Int64?,
        expiresAt: Int64?,
        gracePeriod: Int64?,
        edition: String,
        features: [String]?,
        limits: [String: Int64]?,
        customer: String?
    ) {
        self.issuer = issuer
        self.productIDs = productIDs
        self.subject = subject
        self.licenseID = licenseID
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.gracePeriod = gracePeriod
        self.edition = edition
        self.features = features ?? []
        self.limits = limits ?? [:]
        self.customer = customer
        self.others = [:]
        self.shape = Shape(hasFeatures: features != nil, hasLimits: limits != nil)
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
        self.productIDs = try slots.aud.take().resolve(ClaimTyping.audience)
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
        self.shape = Shape(hasFeatures: hasFeatures, hasLimits: hasLimits)
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
