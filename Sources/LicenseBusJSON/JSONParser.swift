/// A strict JSON parser (RFC 8259) for untrusted input.
///
/// It accepts exactly one value with optional surrounding white space, validates UTF-8,
/// rejects duplicate member names (RFC 7515 §4 allows a JOSE parser to), lone surrogates,
/// control characters in strings, and nesting deeper than ``maximumDepth``. It never
/// recurses deeper than that bound, so hostile input cannot exhaust the stack.
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 32

    /// Why a text is not accepted JSON.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong and at which byte offset.
        public let description: String
    }

    private let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    var index = 0
    /// How many arrays and objects are open.
    private var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses one JSON value.
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: The value.
    /// - Throws: ``Failure`` when the text is not one strict JSON value.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(Failure) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses one JSON value.
    /// - Parameter buffer: UTF-8 JSON text.
    /// - Returns: The value.
    /// - Throws: ``Failure`` when the text is not one strict JSON value.
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.failure("unexpected data after the value") }
        return value
    }

    var current: UInt8? {
        self.index < self.bytes.count ? self.bytes[self.index] : nil
    }

    mutating func skipWhitespace() {
        while let byte = self.current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            self.index += 1
        }
    }

    private mutating func expect(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.failure("truncated literal") }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw self.failure("invalid literal")
        }
        self.index += count
    }

    mutating func parseValue() throws(Failure) -> JSONValue {
        guard let byte = self.current else { throw self.failure("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"):
            try self.expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try self.parseNumber()
        default:
            throw self.failure("unexpected character")
        }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        var members: [String: JSONValue] = [:]
        let key = { (name: UnsafeRawBufferPointer) in String(decoding: name, as: UTF8.self) }
        try self.forEachMember(key: key) { parser, name throws(Failure) in
            let value = try parser.parseValue()
            guard members.updateValue(value, forKey: name) == nil else {
                throw parser.failure("duplicate member name")
            }
        }
        return .object(members)
    }

    /// Parses the object at the current `{`, calling `body` with each member's name while the
    /// parser stands at the member's value; `body` must consume that value.
    /// `key` turns each name's bytes into what `body` is given.
    mutating func forEachMember<Key>(
        key: (UnsafeRawBufferPointer) -> Key,
        _ body: (inout JSONParser, Key) throws(Failure) -> Void
    ) throws(Failure) {
        try self.open()
        defer { self.depth -= 1 }
        self.skipWhitespace()
        if self.current == UInt8(ascii: "}") {
            self.index += 1
            return
        }
        while true {
            self.skipWhitespace()
            guard self.current == UInt8(ascii: "\"") else { throw self.failure("expected a member name") }
            let name = try self.withStringBytes(key)
            self.skipWhitespace()
            guard self.current == UInt8(ascii: ":") else { throw self.failure("expected ':'") }
            self.index += 1
            self.skipWhitespace()
            try body(&self, name)
            self.skipWhitespace()
            switch self.current {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                return
            default: throw self.failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        var elements: [JSONValue] = []
        try self.forEachElement { parser throws(Failure) in elements.append(try parser.parseValue()) }
        return .array(elements)
    }

    /// Parses the array at the current `[`, calling `body` while the parser stands at each
    /// element; `body` must consume that element.
    mutating func forEachElement(_ body: (inout JSONParser) throws(Failure) -> Void) throws(Failure) {
        try self.open()
        defer { self.depth -= 1 }
        self.skipWhitespace()
        if self.current == UInt8(ascii: "]") {
            self.index += 1
            return
        }
        while true {
            self.skipWhitespace()
            try body(&self)
            self.skipWhitespace()
            switch self.current {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                return
            default: throw self.failure("expected ',' or ']'")
            }
        }
    }

    /// Steps into the array or object at the current byte, refusing nesting past ``maximumDepth``.
    private mutating func open() throws(Failure) {
        guard self.depth < Self.maximumDepth else { throw self.failure("nesting deeper than \(Self.maximumDepth)") }
        self.depth += 1
        self.index += 1
    }

    private mutating func parseNumber() throws(Failure) -> JSONValue {
        let start = self.index
        let negative = self.current == UInt8(ascii: "-")
        if negative { self.index += 1 }
        guard let first = self.current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw self.failure("invalid number")
        }
        self.index += 1
        // Accumulated as a negative number, so that Int64.min fits; nil once it overflows.
        var value: Int64? = -Int64(first - UInt8(ascii: "0"))
        if first != UInt8(ascii: "0") {
            while let byte = self.current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if let current = value {
                    let (scaled, overflow) = current.multipliedReportingOverflow(by: 10)
                    let (next, underflow) = scaled.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                    value = overflow || underflow ? nil : next
                }
                self.index += 1
            }
        }
        var isInteger = true
        if self.current == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            guard self.skipDigits() > 0 else { throw self.failure("invalid fraction") }
        }
        if self.current == UInt8(ascii: "e") || self.current == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if self.current == UInt8(ascii: "+") || self.current == UInt8(ascii: "-") { self.index += 1 }
            guard self.skipDigits() > 0 else { throw self.failure("invalid exponent") }
        }
        if isInteger, let value {
            if negative { return .integer(value) }
            if value != .min { return .integer(-value) }
        }
        let literal = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
        return .decimal(String(decoding: literal, as: UTF8.self))
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = self.index
        while let byte = self.current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            self.index += 1
        }
        return self.index - start
    }

    mutating func parseString() throws(Failure) -> String {
        // A non-ASCII string is decoded twice (validated, then made). Handing the validation to
        // the callers instead made `withStringBytes` return an optional of a generic type, whose
        // metadata lookups cost more than that on every string (measured: +7,000 instructions
        // per license verify).
        try self.withStringBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Parses the string at the current `"` and lends its UTF-8 bytes, escapes decoded and
    /// validated, to `body`.
    private mutating func withStringBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) throws(Failure) -> Result
    {
        self.index += 1
        let start = self.index
        var isASCII = true
        // Fast path: no escapes; the bytes are lent straight from the input.
        while true {
            self.skipPlainASCII()
            guard let byte = self.current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
            guard byte >= 0x20 else { throw self.failure("control character in string") }
            isASCII = false
            self.index += 1
        }
        guard let stop = self.current else { throw self.failure("unterminated string") }
        if stop == UInt8(ascii: "\"") {
            let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
            self.index += 1
            guard isASCII || Self.isValidUTF8(slice) else { throw self.failure("invalid UTF-8") }
            return body(slice)
        }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]))
        try self.parseEscapedRest(into: &utf8)
        self.index += 1
        guard utf8.allSatisfy({ $0 < 0x80 }) || utf8.withUnsafeBytes(Self.isValidUTF8) else {
            throw self.failure("invalid UTF-8")
        }
        return utf8.withUnsafeBytes(body)
    }

    /// Moves to the first byte of string content that is a quote, a backslash, a control
    /// character or non-ASCII (or to the end): eight bytes at a time, then byte by byte.
    private mutating func skipPlainASCII() {
        guard let base = self.bytes.baseAddress else { return }
        while self.index + 8 <= self.bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: self.index, as: UInt64.self))
            let special = Self.specialBytes(in: word)
            guard special == 0 else {
                self.index += special.trailingZeroBitCount >> 3
                return
            }
            self.index += 8
        }
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return }
            self.index += 1
        }
    }

    /// Flags the bytes of eight string bytes (the first in the lowest byte) that end a plain run
    /// of string content: a quote, a backslash, a control byte, or non-ASCII.
    /// - Parameter word: Eight bytes of a string, loaded little-endian.
    /// - Returns: The high bit of each such byte set, and possibly of bytes above the first one;
    ///   so the lowest set bit is in the first such byte, and zero means there is none.
    @inlinable
    public static func specialBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // Per byte: b - 0x20 borrows (sets the high bit) for b < 0x20, and (b ^ c) - 1 for
        // b == c; a high bit in `word` itself (non-ASCII) counts too. A borrow only reaches the
        // bytes above a special one, so the lowest flagged byte is the first special byte.
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        return ((word &- ones &* 0x20) | (quotes &- ones) | (backslashes &- ones) | word) & (ones &* 0x80)
    }

    private static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Decoding repairs invalid sequences, so equal bytes mean the input was valid.
        String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes)
    }

    private mutating func parseEscapedRest(into utf8: inout [UInt8]) throws(Failure) {
        while let byte = self.current, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20 else { throw self.failure("control character in string") }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                self.index += 1
                continue
            }
            self.index += 1
            guard let escaped = self.current else { throw self.failure("unterminated escape") }
            self.index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: try self.parseUnicodeEscape())
            default: throw self.failure("invalid escape")
            }
        }
        guard self.current != nil else { throw self.failure("unterminated string") }
    }

    private mutating func parseUnicodeEscape() throws(Failure) -> [UInt8] {
        let high = try self.parseHex4()
        var scalarValue = UInt32(high)
        if (0xD800...0xDBFF).contains(high) {
            guard self.index + 2 <= self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                self.bytes[self.index + 1] == UInt8(ascii: "u")
            else { throw self.failure("lone surrogate") }
            self.index += 2
            let low = try self.parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw self.failure("lone surrogate") }
            scalarValue = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(high) {
            throw self.failure("lone surrogate")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw self.failure("invalid code point") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func parseHex4() throws(Failure) -> UInt16 {
        guard self.index + 4 <= self.bytes.count else { throw self.failure("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.failure("invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
            self.index += 1
        }
        return value
    }
}
