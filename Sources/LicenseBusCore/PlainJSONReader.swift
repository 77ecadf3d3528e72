internal import LicenseBusJSON

/// A fast reader for the plain JSON that real token parts hold: objects and arrays of strings of
/// ASCII without escapes, and of non-negative integers.
///
/// It accepts no text that ``LicenseBusJSON/JSONParser`` refuses, and reads what it accepts to
/// the same values. On anything else (an escape, non-ASCII, a negative or non-integer number,
/// `true`, an unknown member, any fault) it gives up, and the caller reads the part again with
/// the full parser, which gives the exact value or error. So it only ever saves time: the
/// benchmark's license payload is read into its claims in 5,200 instructions through it, against
/// 11,600 through the full reader, because it makes no ``LicenseBusJSON/JSONValue``s and calls no
/// closures through another module.
struct PlainJSONReader {
    private let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    private var index = 0

    /// A reader of `bytes`, standing at their start.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Reads the whole text as one object: optional white space, `{`, the members, `}`, optional
    /// white space, the end.
    /// - Parameter member: Called with each member's name, standing at its value; it reads the
    ///   value and returns true, or false to give up.
    /// - Returns: Whether the text is one plain object that `member` took whole.
    mutating func readWholeObject(_ member: (inout PlainJSONReader, UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard self.readObject(member) else { return false }
        self.skipSpace()
        return self.index == self.bytes.count
    }

    /// Reads the object that starts at the next byte.
    /// - Parameter member: As for ``readWholeObject(_:)``.
    /// - Returns: False when the next value is not a plain object that `member` took whole.
    mutating func readObject(_ member: (inout PlainJSONReader, UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard self.take(UInt8(ascii: "{")) else { return false }
        if self.take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let name = self.string(), self.take(UInt8(ascii: ":")), member(&self, name) else { return false }
        } while self.take(UInt8(ascii: ","))
        return self.take(UInt8(ascii: "}"))
    }

    /// Reads the array that starts at the next byte.
    /// - Parameter element: Called standing at each element; it reads it and returns true, or
    ///   false to give up.
    /// - Returns: False when the next value is not a plain array that `element` took whole.
    mutating func readArray(_ element: (inout PlainJSONReader) -> Bool) -> Bool {
        guard self.take(UInt8(ascii: "[")) else { return false }
        if self.take(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while self.take(UInt8(ascii: ","))
        return self.take(UInt8(ascii: "]"))
    }

    /// Whether the next value (after white space) starts with `byte`; nothing is read.
    mutating func isNext(_ byte: UInt8) -> Bool {
        self.skipSpace()
        return self.index < self.bytes.count && self.bytes[self.index] == byte
    }

    /// Reads a string of ASCII without escapes or control bytes (below 0x20).
    /// - Returns: Its bytes (inside the text), or nil when the next value is not such a string.
    @inline(__always)
    mutating func string() -> UnsafeRawBufferPointer? {
        guard self.take(UInt8(ascii: "\"")), let base = self.bytes.baseAddress else { return nil }
        let start = self.index
        while self.index + 8 <= self.bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: self.index, as: UInt64.self))
            let special = JSONParser.specialBytes(in: word)
            if special != 0 {
                self.index += special.trailingZeroBitCount >> 3
                return self.endString(from: start)
            }
            self.index += 8
        }
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            self.index += 1
        }
        return self.endString(from: start)
    }

    /// The string's bytes when the reader stands at its closing quote; nil at anything else.
    @inline(__always)
    private mutating func endString(from start: Int) -> UnsafeRawBufferPointer? {
        guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else { return nil }
        self.index += 1
        return UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index - 1])
    }

    /// Reads a non-negative integer of at most 18 digits, written without a fraction or exponent.
    /// - Returns: The integer, or nil when the next value is not one.
    mutating func integer() -> Int64? {
        self.skipSpace()
        let start = self.index
        var value: Int64 = 0
        while self.index < self.bytes.count {
            let digit = self.bytes[self.index] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            value = value &* 10 &+ Int64(digit)
            self.index += 1
        }
        let digits = self.index - start
        // 18 digits always fit Int64; a leading zero is JSON only alone.
        guard digits > 0, digits <= 18, digits == 1 || self.bytes[start] != UInt8(ascii: "0") else { return nil }
        guard self.index < self.bytes.count else { return value }
        switch self.bytes[self.index] {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
        default: return value
        }
    }

    /// Reads `byte` after optional white space.
    /// - Returns: False, having read only the white space, when the next byte is another.
    @inline(__always)
    private mutating func take(_ byte: UInt8) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
        self.index += 1
        return true
    }

    @inline(__always)
    private mutating func skipSpace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }
}
