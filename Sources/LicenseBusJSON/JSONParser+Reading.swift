/// Reading JSON value by value, for readers that know the shape they expect (a license's
/// claims, a JWS header): they take typed values straight from the text, without building
/// the tree of ``JSONValue``s, under the same rules and limits as ``JSONParser/parse(_:)-([UInt8])``.
extension JSONParser {
    /// Reads one JSON text: `body` must read exactly one value; white space around it is skipped.
    /// - Parameters:
    ///   - buffer: UTF-8 JSON text.
    ///   - body: Reads the value.
    /// - Returns: What `body` returns.
    /// - Throws: ``Failure`` from `body`, or when anything but white space follows the value.
    public static func read<Result>(
        _ buffer: UnsafeRawBufferPointer,
        _ body: (inout JSONParser) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var parser = JSONParser(bytes: buffer)
        parser.skipWhitespace()
        let result = try body(&parser)
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.failure("unexpected data after the value") }
        return result
    }

    /// The first byte of the next value (`{`, `[`, `"`, a digit, ...), nil at the end of the text.
    public var nextByte: UInt8? { self.current }

    /// Where the parser stands, for ``rewind(to:)``.
    public var position: Int { self.index }

    /// Goes back to `position`, taken before a value of the same array or object, to read that
    /// value again another way.
    /// - Parameter position: A ``position`` taken earlier at the current nesting level.
    public mutating func rewind(to position: Int) {
        precondition(position <= self.index, "a JSON reader can only go back")
        self.index = position
    }

    /// A failure at the current position, for what a reader refuses (a duplicate name in an
    /// object it reads itself).
    /// - Parameter what: What is wrong.
    /// - Returns: The failure, naming the byte offset.
    public func failure(_ what: String) -> Failure {
        Failure(description: "\(what) at byte \(self.index)")
    }

    /// Reads the next value, whatever it is.
    /// - Returns: The value.
    /// - Throws: ``Failure`` when the text there is not a strict JSON value.
    public mutating func readValue() throws(Failure) -> JSONValue {
        try self.parseValue()
    }

    /// Reads the next value if it is a string.
    /// - Returns: The string, or nil (nothing read) when the next value is not a string.
    /// - Throws: ``Failure`` when the string is not valid.
    public mutating func readString() throws(Failure) -> String? {
        guard self.current == UInt8(ascii: "\"") else { return nil }
        return try self.parseString()
    }

    /// Reads the next value if it is an object, member by member.
    /// - Parameters:
    ///   - key: Turns the UTF-8 of a member's name (escapes decoded, valid) into what `body` gets.
    ///   - body: Called with the parser standing at the member's value; it must read that value.
    ///     Duplicate names are for it to refuse.
    /// - Returns: Whether the next value was an object; nothing is read when it was not.
    /// - Throws: ``Failure`` when the object is not valid, and what `body` throws.
    public mutating func readMembers<Key>(
        key: (UnsafeRawBufferPointer) -> Key,
        _ body: (inout JSONParser, Key) throws(Failure) -> Void
    ) throws(Failure) -> Bool {
        guard self.current == UInt8(ascii: "{") else { return false }
        try self.forEachMember(key: key, body)
        return true
    }

    /// Reads the next value if it is an array, element by element.
    /// - Parameter body: Called with the parser standing at each element; it must read it.
    /// - Returns: Whether the next value was an array; nothing is read when it was not.
    /// - Throws: ``Failure`` when the array is not valid, and what `body` throws.
    public mutating func readElements(_ body: (inout JSONParser) throws(Failure) -> Void) throws(Failure) -> Bool {
        guard self.current == UInt8(ascii: "[") else { return false }
        try self.forEachElement(body)
        return true
    }
}
