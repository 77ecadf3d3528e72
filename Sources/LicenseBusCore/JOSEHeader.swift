internal import LicenseBusJSON

/// The protected header of a license JWS or an envelope JWE: the members the verifier and the
/// envelope reader check, found without a dictionary, and every other member as received.
struct JOSEHeader: Sendable, Hashable {
    /// `alg`.
    private(set) var algorithm: JSONValue?
    /// `enc` (a JWE's content encryption).
    private(set) var encryption: JSONValue?
    /// `typ`.
    private(set) var type: JSONValue?
    /// `cty` (the content's type).
    private(set) var contentType: JSONValue?
    /// `kid`.
    private(set) var keyID: JSONValue?
    /// `crit`.
    private(set) var critical: JSONValue?
    /// Every other member.
    private(set) var others: [String: JSONValue] = [:]

    private enum Member {
        case alg, enc, typ, cty, kid, crit

        init?(utf8 name: UnsafeRawBufferPointer) {
            guard let short = ShortName(utf8: name) else { return nil }
            switch short {
            case ShortName("alg"): self = .alg
            case ShortName("enc"): self = .enc
            case ShortName("typ"): self = .typ
            case ShortName("cty"): self = .cty
            case ShortName("kid"): self = .kid
            case ShortName("crit"): self = .crit
            default: return nil
            }
        }
    }

    /// A header member's name: one read into its own field, or any other.
    private enum Key {
        case member(Member)
        case other(String)
    }

    /// Decodes the header's JSON under the rules of ``LicenseBusJSON/JSONParser``.
    /// - Parameters:
    ///   - bytes: The decoded header bytes.
    ///   - name: The part's name, for errors ("license header").
    /// - Throws: ``LicenseError/Code/malformed`` when they are not one JSON object.
    init(decoding bytes: UnsafeRawBufferPointer, part name: String) throws(LicenseError) {
        self.init()
        // Real headers are plain JSON, read fast; anything else is read again from the start.
        if self.readPlain(bytes) { return }
        self = JOSEHeader()
        let key = { (name: UnsafeRawBufferPointer) -> Key in
            Member(utf8: name).map(Key.member) ?? .other(String(decoding: name, as: UTF8.self))
        }
        try readObject(bytes, part: name, into: &self, key: key) { parser, header, key throws(JSONParser.Failure) in
            let value = try parser.readValue()
            guard header.store(value, for: key) else { throw parser.failure("duplicate member name") }
        }
    }

    /// A header without members, to be read into.
    init() {}

    /// Reads a header of plain JSON (``PlainJSONReader``) whose members are all ones read into
    /// their own field, each once, holding a string (so no `crit`).
    /// - Returns: False for any other header; the fields are then left partly filled.
    mutating func readPlain(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var reader = PlainJSONReader(bytes)
        return reader.readWholeObject { reader, name in
            guard let member = Member(utf8: name), member != .crit, let value = reader.string() else { return false }
            return self.store(.string(String(decoding: value, as: UTF8.self)), for: .member(member))
        }
    }

    /// Stores a member; false when the header has it already.
    private mutating func store(_ value: consuming JSONValue, for key: Key) -> Bool {
        switch key {
        case .member(.alg): Self.store(value, in: &self.algorithm)
        case .member(.enc): Self.store(value, in: &self.encryption)
        case .member(.typ): Self.store(value, in: &self.type)
        case .member(.cty): Self.store(value, in: &self.contentType)
        case .member(.kid): Self.store(value, in: &self.keyID)
        case .member(.crit): Self.store(value, in: &self.critical)
        case .other(let name): self.others.updateValue(value, forKey: name) == nil
        }
    }

    private static func store(_ value: consuming JSONValue, in member: inout JSONValue?) -> Bool {
        let isFirst = member == nil
        member = consume value
        return isFirst
    }

    /// The whole header.
    var object: [String: JSONValue] {
        var object = self.others
        object["alg"] = self.algorithm
        object["enc"] = self.encryption
        object["typ"] = self.type
        object["cty"] = self.contentType
        object["kid"] = self.keyID
        object["crit"] = self.critical
        return object
    }
}
