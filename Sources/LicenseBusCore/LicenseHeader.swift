internal import LicenseBusJSON

/// The protected header of a license JWS: the members the verifier reads, found without a
/// dictionary, and every other member as received.
struct LicenseHeader: Sendable, Hashable {
    /// `alg`.
    private(set) var algorithm: JSONValue?
    /// `typ`.
    private(set) var type: JSONValue?
    /// `kid`.
    private(set) var keyID: JSONValue?
    /// `crit`.
    private(set) var critical: JSONValue?
    /// Every other member.
    private(set) var others: [String: JSONValue] = [:]

    private enum Member {
        case alg, typ, kid, crit

        private static let byShortName = [
            (name: ShortName("alg"), member: Self.alg), (ShortName("typ"), .typ), (ShortName("kid"), .kid),
            (ShortName("crit"), .crit),
        ]

        init?(utf8 name: UnsafeRawBufferPointer) {
            guard let short = ShortName(utf8: name), let match = Self.byShortName.first(where: { $0.name == short })
            else { return nil }
            self = match.member
        }
    }

    /// A header member's name: one the verifier reads, or any other.
    private enum Key {
        case member(Member)
        case other(String)
    }

    /// Decodes the header's JSON under the rules of ``LicenseBusJSON/JSONParser``.
    /// - Parameter bytes: The decoded header bytes.
    /// - Throws: ``LicenseError/Code/malformed`` when they are not one JSON object.
    init(decoding bytes: UnsafeRawBufferPointer) throws(LicenseError) {
        var header = LicenseHeader()
        let key = { (name: UnsafeRawBufferPointer) -> Key in
            Member(utf8: name).map(Key.member) ?? .other(String(decoding: name, as: UTF8.self))
        }
        try readObject(bytes, part: "license header", key: key) { parser, key throws(JSONParser.Failure) in
            let value = try parser.readValue()
            guard header.store(value, for: key) else { throw parser.failure("duplicate member name") }
        }
        self = header
    }

    private init() {}

    /// Stores a member; false when the header has it already.
    private mutating func store(_ value: JSONValue, for key: Key) -> Bool {
        switch key {
        case .member(.alg): Self.store(value, in: &self.algorithm)
        case .member(.typ): Self.store(value, in: &self.type)
        case .member(.kid): Self.store(value, in: &self.keyID)
        case .member(.crit): Self.store(value, in: &self.critical)
        case .other(let name): self.others.updateValue(value, forKey: name) == nil
        }
    }

    private static func store(_ value: JSONValue, in member: inout JSONValue?) -> Bool {
        defer { member = value }
        return member == nil
    }

    /// The whole header.
    var object: [String: JSONValue] {
        var object = self.others
        object["alg"] = self.algorithm
        object["typ"] = self.type
        object["kid"] = self.keyID
        object["crit"] = self.critical
        return object
    }
}
