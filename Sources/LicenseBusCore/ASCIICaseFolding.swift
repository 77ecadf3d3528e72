extension String {
    /// Whether this text is `name`, optionally after `prefix`, with ASCII letters compared
    /// case-insensitively and every other byte exactly (how RFC 7515 §4.1.9 compares `typ` and `cty`).
    func equalsIgnoringASCIICase(_ name: StaticString, optionalPrefix prefix: StaticString = "") -> Bool {
        var text = self
        return text.withUTF8 { bytes in
            let name = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            let prefix = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            if bytes.count == prefix.count + name.count, foldedEqual(bytes[..<prefix.count], prefix[...]) {
                return foldedEqual(bytes[prefix.count...], name[...])
            }
            return foldedEqual(bytes[...], name[...])
        }
    }
}

private func foldedEqual(_ left: Slice<UnsafeBufferPointer<UInt8>>, _ right: Slice<UnsafeBufferPointer<UInt8>>) -> Bool
{
    left.elementsEqual(right) { asciiLowercase($0) == asciiLowercase($1) }
}

/// `byte` with an ASCII capital letter made small; any other byte unchanged.
private func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}
