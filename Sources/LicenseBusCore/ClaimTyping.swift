internal import LicenseBusJSON

/// The claims typed by ``LicenseClaims``, in the order they are checked (SPEC §5).
enum Claim: CaseIterable {
    case iss, aud, sub, jti, iat, nbf, exp, grace, edition, features, limits, customer

    /// The claim's name in the payload.
    var name: String {
        switch self {
        case .iss: "iss"
        case .aud: "aud"
        case .sub: "sub"
        case .jti: "jti"
        case .iat: "iat"
        case .nbf: "nbf"
        case .exp: "exp"
        case .grace: "grace"
        case .edition: "edition"
        case .features: "features"
        case .limits: "limits"
        case .customer: "customer"
        }
    }

    /// The claim whose name has the UTF-8 `name`, nil for any other name.
    init?(utf8 name: UnsafeRawBufferPointer) {
        guard let short = ShortName(utf8: name) else { return nil }
        switch short {
        case ShortName("iss"): self = .iss
        case ShortName("aud"): self = .aud
        case ShortName("sub"): self = .sub
        case ShortName("jti"): self = .jti
        case ShortName("iat"): self = .iat
        case ShortName("nbf"): self = .nbf
        case ShortName("exp"): self = .exp
        case ShortName("grace"): self = .grace
        case ShortName("edition"): self = .edition
        case ShortName("features"): self = .features
        case ShortName("limits"): self = .limits
        case ShortName("customer"): self = .customer
        default: return nil
        }
    }
}

/// One claim as the payload holds it.
enum ClaimSlot<Value> {
    /// The payload has no such member.
    case absent
    /// The member, of the claim's type.
    case typed(Value)
    /// The member as received, when it is not of the claim's type; typing it names the fault.
    case received(JSONValue)

    /// A slot for a member of `object`, typed later.
    init(_ value: JSONValue?) {
        self = value.map(Self.received) ?? .absent
    }

    /// The typed value: taken as it is, or made by `typing` from what was received (nil when absent).
    consuming func resolve(_ typing: (JSONValue?) throws(LicenseError) -> Value) throws(LicenseError) -> Value {
        switch consume self {
        case .typed(let value): value
        case .absent: try typing(nil)
        case .received(let value): try typing(value)
        }
    }

    /// The slot's content, moved out; the slot is left absent.
    mutating func take() -> Self {
        var taken = Self.absent
        swap(&self, &taken)
        return taken
    }

    /// A typed value turned into another slot; an absent or mistyped member stays as it is.
    func flatMap<Other>(_ transform: (Value) -> ClaimSlot<Other>) -> ClaimSlot<Other> {
        switch self {
        case .typed(let value): transform(value)
        case .absent: .absent
        case .received(let value): .received(value)
        }
    }

    /// Whether the payload has the member.
    var isPresent: Bool {
        if case .absent = self { return false }
        return true
    }
}

/// `aud`: one product id given as a string (kept without an array), or a non-empty array of them.
enum Audience: Hashable {
    case single(String)
    case list([String])

    /// The product ids.
    var values: [String] {
        switch self {
        case .single(let value): [value]
        case .list(let values): values
        }
    }

    /// Whether `product` is one of the product ids.
    func contains(_ product: String) -> Bool {
        switch self {
        case .single(let value): value == product
        case .list(let values): values.contains(product)
        }
    }
}

/// Types claims from JSON values, naming the claim and the fault in every error.
enum ClaimTyping {
    static func requiredString(_ value: JSONValue?, _ claim: Claim) throws(LicenseError) -> String {
        guard let text = try optionalString(value, claim) else { throw missing(claim) }
        return text
    }

    static func optionalString(_ value: JSONValue?, _ claim: Claim) throws(LicenseError) -> String? {
        guard let value else { return nil }
        guard let text = value.stringValue else { throw wrongType(claim, value, "a string") }
        return text
    }

    static func requiredInteger(_ value: JSONValue?, _ claim: Claim) throws(LicenseError) -> Int64 {
        guard let number = try optionalInteger(value, claim) else { throw missing(claim) }
        return number
    }

    static func optionalInteger(_ value: JSONValue?, _ claim: Claim) throws(LicenseError) -> Int64? {
        guard let value else { return nil }
        guard let number = value.integerValue else { throw wrongType(claim, value, "an integer number of seconds") }
        return number
    }

    static func audience(_ value: JSONValue?) throws(LicenseError) -> Audience {
        guard let value else { throw missing(.aud) }
        if let single = value.stringValue { return .single(single) }
        guard let elements = value.arrayValue, !elements.isEmpty else {
            throw wrongType(.aud, value, "a string or a non-empty array of strings")
        }
        return .list(try strings(elements, claim: .aud))
    }

    static func features(_ value: JSONValue?) throws(LicenseError) -> [String] {
        guard let value else { return [] }
        guard let elements = value.arrayValue else { throw wrongType(.features, value, "an array of strings") }
        return try strings(elements, claim: .features)
    }

    static func limits(_ value: JSONValue?) throws(LicenseError) -> [String: Int64] {
        guard let value else { return [:] }
        guard let members = value.objectValue else { throw wrongType(.limits, value, "an object of integers") }
        var limits: [String: Int64] = [:]
        // Of several limits that are not integers, the smallest name is named: a dictionary's
        // order differs from one dictionary to the next.
        var wrong: (name: String, value: JSONValue)?
        for (name, member) in members {
            if let number = member.integerValue {
                limits[name] = number
            } else if wrong.map({ name < $0.name }) ?? true {
                wrong = (name, member)
            }
        }
        if let wrong {
            throw LicenseError(.malformed, "limit '\(wrong.name)' is \(wrong.value.typeName), not an integer")
        }
        return limits
    }

    private static func strings(_ elements: [JSONValue], claim: Claim) throws(LicenseError) -> [String] {
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let text = element.stringValue else {
                throw LicenseError(.malformed, "claim '\(claim.name)' holds \(element.typeName), not only strings")
            }
            result.append(text)
        }
        return result
    }

    private static func missing(_ claim: Claim) -> LicenseError {
        LicenseError(.malformed, "required claim '\(claim.name)' is missing")
    }

    private static func wrongType(_ claim: Claim, _ value: JSONValue, _ expected: String) -> LicenseError {
        LicenseError(.malformed, "claim '\(claim.name)' is \(value.typeName), not \(expected)")
    }
}
