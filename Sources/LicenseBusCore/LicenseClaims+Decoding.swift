internal import LicenseBusJSON

extension LicenseClaims {
    /// Decodes and types a license payload in one pass over its JSON text: each claim is read
    /// straight into its type, without a tree of JSON values or a dictionary of members.
    ///
    /// The text is held to the rules of ``LicenseBusJSON/JSONParser`` (duplicate names
    /// included) and every error is the one the two steps would give: parsing the whole object,
    /// then ``init(_:)-(Dictionary<String,JSONValue>)``.
    /// - Parameter payload: The decoded JWT payload bytes.
    /// - Throws: ``LicenseError/Code/malformed`` when the payload is not a JSON object or a claim is
    ///   missing or of the wrong type.
    public init(payload: UnsafeRawBufferPointer) throws(LicenseError) {
        // Real payloads are plain JSON, read fast; anything else is read again from the start.
        if let claims = Self(plainPayload: payload) {
            self = claims
            return
        }
        var slots = ClaimSlots()
        let key = { (name: UnsafeRawBufferPointer) -> ClaimSlots.Key in
            Claim(utf8: name).map(ClaimSlots.Key.claim) ?? .other(String(decoding: name, as: UTF8.self))
        }
        try readObject(payload, part: "license payload", into: &slots, key: key) {
            parser,
            slots,
            key throws(JSONParser.Failure) in
            try slots.read(key, from: &parser)
        }
        try self.init(taking: &slots)
    }
}

/// The claims of a payload as found, before they are checked in order.
struct ClaimSlots {
    var iss = ClaimSlot<String>.absent
    var aud = ClaimSlot<Audience>.absent
    var sub = ClaimSlot<String>.absent
    var jti = ClaimSlot<String>.absent
    var iat = ClaimSlot<Int64>.absent
    var nbf = ClaimSlot<Int64>.absent
    var exp = ClaimSlot<Int64>.absent
    var grace = ClaimSlot<Int64>.absent
    var edition = ClaimSlot<String>.absent
    var features = ClaimSlot<[String]>.absent
    var limits = ClaimSlot<[String: Int64]>.absent
    var customer = ClaimSlot<String>.absent
    /// The members that are not typed claims.
    var others: [String: JSONValue] = [:]

    /// A payload member's name: a typed claim, or any other name.
    enum Key {
        case claim(Claim)
        case other(String)
    }

    /// Reads the value of member `key`; a name seen before is refused as the JSON parser
    /// refuses it, after the value.
    mutating func read(_ key: Key, from parser: inout JSONParser) throws(JSONParser.Failure) {
        let isFirst: Bool
        switch key {
        case .other(let name): isFirst = self.others.updateValue(try parser.readValue(), forKey: name) == nil
        case .claim(.iss): isFirst = Self.store(try Self.readString(&parser), in: &self.iss)
        case .claim(.aud): isFirst = Self.store(try Self.readAudience(&parser), in: &self.aud)
        case .claim(.sub): isFirst = Self.store(try Self.readString(&parser), in: &self.sub)
        case .claim(.jti): isFirst = Self.store(try Self.readString(&parser), in: &self.jti)
        case .claim(.iat): isFirst = Self.store(try Self.readInteger(&parser), in: &self.iat)
        case .claim(.nbf): isFirst = Self.store(try Self.readInteger(&parser), in: &self.nbf)
        case .claim(.exp): isFirst = Self.store(try Self.readInteger(&parser), in: &self.exp)
        case .claim(.grace): isFirst = Self.store(try Self.readInteger(&parser), in: &self.grace)
        case .claim(.edition): isFirst = Self.store(try Self.readString(&parser), in: &self.edition)
        case .claim(.features): isFirst = Self.store(try Self.readStrings(&parser), in: &self.features)
        case .claim(.limits): isFirst = Self.store(try Self.readLimits(&parser), in: &self.limits)
        case .claim(.customer): isFirst = Self.store(try Self.readString(&parser), in: &self.customer)
        }
        guard isFirst else { throw parser.failure("duplicate member name") }
    }

    private static func store<Value>(_ slot: consuming ClaimSlot<Value>, in stored: inout ClaimSlot<Value>) -> Bool {
        let isFirst = !stored.isPresent
        stored = consume slot
        return isFirst
    }

    private static func readString(_ parser: inout JSONParser) throws(JSONParser.Failure) -> ClaimSlot<String> {
        if let text = try parser.readString() { return .typed(text) }
        return .received(try parser.readValue())
    }

    private static func readInteger(_ parser: inout JSONParser) throws(JSONParser.Failure) -> ClaimSlot<Int64> {
        let value = try parser.readValue()
        if case .integer(let number) = value { return .typed(number) }
        return .received(value)
    }

    private static func readAudience(_ parser: inout JSONParser) throws(JSONParser.Failure) -> ClaimSlot<Audience> {
        if let single = try parser.readString() { return .typed(.single(single)) }
        return try Self.readStrings(&parser).flatMap { values in
            values.isEmpty ? .received(.array([])) : .typed(.list(values))
        }
    }

    /// An array of strings; anything else is read again as a JSON value.
    private static func readStrings(_ parser: inout JSONParser) throws(JSONParser.Failure) -> ClaimSlot<[String]> {
        let start = parser.position
        var strings: [String] = []
        var onlyStrings = true
        let isArray = try parser.readElements { parser throws(JSONParser.Failure) in
            if let text = try parser.readString() {
                strings.append(text)
            } else {
                onlyStrings = false
                _ = try parser.readValue()
            }
        }
        if isArray && onlyStrings { return .typed(strings) }
        parser.rewind(to: start)
        return .received(try parser.readValue())
    }

    /// An object of integers; anything else is read again as a JSON value.
    private static func readLimits(_ parser: inout JSONParser) throws(JSONParser.Failure) -> ClaimSlot<[String: Int64]>
    {
        let start = parser.position
        var limits: [String: Int64] = [:]
        var onlyIntegers = true
        let key = { (name: UnsafeRawBufferPointer) in String(decoding: name, as: UTF8.self) }
        let isTyped: Bool
        do {
            let isObject = try parser.readMembers(key: key) { parser, name throws(JSONParser.Failure) in
                let value = try parser.readValue()
                // Past a member that is not an integer, names are no longer checked here: the
                // object is read again whole, and that read finds the first duplicate name.
                guard onlyIntegers, case .integer(let number) = value else {
                    onlyIntegers = false
                    return
                }
                guard limits.updateValue(number, forKey: name) == nil else {
                    throw parser.failure("duplicate member name")
                }
            }
            isTyped = isObject && onlyIntegers
        } catch {
            // A fault later in the object must not hide a duplicate name before it: the whole
            // read below reports the first fault, as the JSON parser would.
            isTyped = false
        }
        if isTyped { return .typed(limits) }
        parser.rewind(to: start)
        return .received(try parser.readValue())
    }
}
