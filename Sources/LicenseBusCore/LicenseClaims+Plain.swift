extension LicenseClaims {
    /// Reads a payload of plain JSON (``PlainJSONReader``) that holds every required claim, each
    /// once and of its type, and no other member: what real licenses hold. The claims are the
    /// ones ``init(payload:)`` reads from it.
    /// - Parameter payload: The decoded JWT payload bytes.
    /// - Returns: nil for any other payload.
    init?(plainPayload payload: UnsafeRawBufferPointer) {
        var issuer: String?
        var productIDs: Audience?
        var subject: String?
        var licenseID: String?
        var issuedAt: Int64?
        var notBefore: Int64?
        var expiresAt: Int64?
        var gracePeriod: Int64?
        var edition: String?
        var features: [String]?
        var limits: [String: Int64]?
        var customer: String?
        var reader = PlainJSONReader(payload)
        let isPlain = reader.readWholeObject { reader, name in
            switch Claim(utf8: name) {
            case .iss: Self.readString(&reader, into: &issuer)
            case .aud: Self.readAudience(&reader, into: &productIDs)
            case .sub: Self.readString(&reader, into: &subject)
            case .jti: Self.readString(&reader, into: &licenseID)
            case .iat: Self.readInteger(&reader, into: &issuedAt)
            case .nbf: Self.readInteger(&reader, into: &notBefore)
            case .exp: Self.readInteger(&reader, into: &expiresAt)
            case .grace: Self.readInteger(&reader, into: &gracePeriod)
            case .edition: Self.readString(&reader, into: &edition)
            case .features: Self.readStrings(&reader, into: &features)
            case .limits: Self.readLimits(&reader, into: &limits)
            case .customer: Self.readString(&reader, into: &customer)
            case nil: false
            }
        }
        guard isPlain, let issuer, let productIDs, let subject, let licenseID, let issuedAt, let edition else {
            return nil
        }
        self.init(
            issuer: issuer,
            productIDs: productIDs,
            subject: subject,
            licenseID: licenseID,
            issuedAt: issuedAt,
            notBefore: notBefore,
            expiresAt: expiresAt,
            gracePeriod: gracePeriod,
            edition: edition,
            features: features,
            limits: limits,
            customer: customer
        )
    }

    private static func readString(_ reader: inout PlainJSONReader, into claim: inout String?) -> Bool {
        guard claim == nil, let bytes = reader.string() else { return false }
        claim = String(decoding: bytes, as: UTF8.self)
        return true
    }

    private static func readInteger(_ reader: inout PlainJSONReader, into claim: inout Int64?) -> Bool {
        guard claim == nil, let value = reader.integer() else { return false }
        claim = value
        return true
    }

    private static func readAudience(_ reader: inout PlainJSONReader, into claim: inout Audience?) -> Bool {
        guard claim == nil else { return false }
        if reader.isNext(UInt8(ascii: "\"")) {
            guard let single = reader.string() else { return false }
            claim = .single(String(decoding: single, as: UTF8.self))
            return true
        }
        var values: [String]?
        guard Self.readStrings(&reader, into: &values), let values, !values.isEmpty else { return false }
        claim = .list(values)
        return true
    }

    /// An array of strings.
    private static func readStrings(_ reader: inout PlainJSONReader, into claim: inout [String]?) -> Bool {
        guard claim == nil else { return false }
        var strings: [String] = []
        let isPlain = reader.readArray { reader in
            guard let bytes = reader.string() else { return false }
            // One allocation for the few entries a license lists, not one per doubling.
            if strings.isEmpty { strings.reserveCapacity(4) }
            strings.append(String(decoding: bytes, as: UTF8.self))
            return true
        }
        claim = strings
        return isPlain
    }

    /// An object of integers, each name once.
    private static func readLimits(_ reader: inout PlainJSONReader, into claim: inout [String: Int64]?) -> Bool {
        guard claim == nil else { return false }
        var limits: [String: Int64] = [:]
        let isPlain = reader.readObject { reader, name in
            guard let value = reader.integer() else { return false }
            return limits.updateValue(value, forKey: String(decoding: name, as: UTF8.self)) == nil
        }
        claim = limits
        return isPlain
    }
}
