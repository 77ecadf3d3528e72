internal import LicenseBusJSON

/// Reads the JSON object of a token part (a header, a payload) member by member into `state`,
/// under the rules of ``LicenseBusJSON/JSONParser``.
/// - Parameters:
///   - bytes: The part, decoded from base64url.
///   - name: The part's name, for errors ("license payload").
///   - state: What the members are read into (passed through, so it is never copied).
///   - key: Turns the UTF-8 of a member's name into what `member` gets.
///   - member: Reads one member's value into `state`; it refuses a duplicate name.
/// - Throws: ``LicenseError/Code/malformed`` naming the part when it is not one JSON object.
func readObject<State, Key>(
    _ bytes: UnsafeRawBufferPointer,
    part name: String,
    into state: inout State,
    key: (UnsafeRawBufferPointer) -> Key,
    member: (inout JSONParser, inout State, Key) throws(JSONParser.Failure) -> Void
) throws(LicenseError) {
    let nonObject: JSONValue?
    do {
        nonObject = try JSONParser.read(bytes) { parser throws(JSONParser.Failure) -> JSONValue? in
            let isObject = try parser.readMembers(key: key) { parser, key throws(JSONParser.Failure) in
                try member(&parser, &state, key)
            }
            return isObject ? nil : try parser.readValue()
        }
    } catch {
        throw LicenseError(.malformed, "the \(name) is not valid JSON (\(error.description))")
    }
    if let nonObject {
        throw LicenseError(.malformed, "the \(name) is a JSON \(nonObject.typeName), not an object")
    }
}

/// Decodes the JSON object of a token part.
/// - Parameters:
///   - bytes: The part, decoded from base64url.
///   - name: The part's name, for errors.
/// - Returns: The members.
/// - Throws: ``LicenseError/Code/malformed`` naming the part when it is not one JSON object.
func decodeObject(_ bytes: UnsafeRawBufferPointer, part name: String) throws(LicenseError) -> [String: JSONValue] {
    var object: [String: JSONValue] = [:]
    let key = { (name: UnsafeRawBufferPointer) in String(decoding: name, as: UTF8.self) }
    try readObject(bytes, part: name, into: &object, key: key) { parser, object, name throws(JSONParser.Failure) in
        guard object.updateValue(try parser.readValue(), forKey: name) == nil else {
            throw parser.failure("duplicate member name")
        }
    }
    return object
}
