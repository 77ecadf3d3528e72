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
    public let all: [String: JSONValue]

    /// Whether the edition grants anything (it is not `community`).
    public var grantsEdition: Bool { self.edition != "community" }

    /// Types the claims of a payload object.
    /// - Parameter object: The decoded JWT payload.
    /// - Throws: ``LicenseError/Code/malformed`` for a missing required claim or a claim of the wrong type.
    public init(_ object: [String: JSONValue]) throws(LicenseError) {
        let reader = ClaimReader(object: object)
        self.issuer = try reader.requiredString("iss")
        self.audience = try reader.audience()
        self.subject = try reader.requiredString("sub")
        self.licenseID = try reader.requiredString("jti")
        self.issuedAt = try reader.requiredInteger("iat")
        self.notBefore = try reader.optionalInteger("nbf")
        self.expiresAt = try reader.optionalInteger("exp")
        self.gracePeriod = try reader.optionalInteger("grace")
        if let grace = self.gracePeriod, grace < 0 {
            throw LicenseError(.malformed, "claim 'grace' is negative")
        }
        self.edition = try reader.requiredString("edition")
        self.features = try reader.features()
        self.limits = try reader.limits()
        self.customer = try reader.optionalString("customer")
        self.all = object
    }
}

/// Reads typed claims from a payload, naming the claim in every error.
private struct ClaimReader {
    let object: [String: JSONValue]

    func requiredString(_ name: String) throws(LicenseError) -> String {
        guard let value = try self.optionalString(name) else { throw missing(name) }
        return value
    }

    func optionalString(_ name: String) throws(LicenseError) -> String? {
        guard let value = self.object[name] else { return nil }
        guard let text = value.stringValue else { throw wrongType(name, value, "a string") }
        return text
    }

    func requiredInteger(_ name: String) throws(LicenseError) -> Int64 {
        guard let value = try self.optionalInteger(name) else { throw missing(name) }
        return value
    }

    func optionalInteger(_ name: String) throws(LicenseError) -> Int64? {
        guard let value = self.object[name] else { return nil }
        guard let number = value.integerValue else { throw wrongType(name, value, "an integer number of seconds") }
        return number
    }

    func audience() throws(LicenseError) -> [String] {
        guard let value = self.object["aud"] else { throw missing("aud") }
        if let single = value.stringValue { return [single] }
        guard let elements = value.arrayValue, !elements.isEmpty else {
            throw wrongType("aud", value, "a string or a non-empty array of strings")
        }
        return try strings(elements, claim: "aud")
    }

    func features() throws(LicenseError) -> [String] {
        guard let value = self.object["features"] else { return [] }
        guard let elements = value.arrayValue else { throw wrongType("features", value, "an array of strings") }
        return try strings(elements, claim: "features")
    }

    func limits() throws(LicenseError) -> [String: Int64] {
        guard let value = self.object["limits"] else { return [:] }
        guard let members = value.objectValue else { throw wrongType("limits", value, "an object of integers") }
        var limits: [String: Int64] = [:]
        for (name, member) in members {
            guard let number = member.integerValue else {
                throw LicenseError(.malformed, "limit '\(name)' is \(member.typeName), not an integer")
            }
            limits[name] = number
        }
        return limits
    }

    private func strings(_ elements: [JSONValue], claim: String) throws(LicenseError) -> [String] {
        var result: [String] = []
        for element in elements {
            guard let text = element.stringValue else {
                throw LicenseError(.malformed, "claim '\(claim)' holds \(element.typeName), not only strings")
            }
            result.append(text)
        }
        return result
    }

    private func missing(_ name: String) -> LicenseError {
        LicenseError(.malformed, "required claim '\(name)' is missing")
    }

    private func wrongType(_ name: String, _ value: JSONValue, _ expected: String) -> LicenseError {
        LicenseError(.malformed, "claim '\(name)' is \(value.typeName), not \(expected)")
    }
}
