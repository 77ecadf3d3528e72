/// Base64url without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2).
///
/// Decoding is strict: no padding, no white space, no characters outside the alphabet,
/// no length of the form 4n+1, and no non-zero bits after the last byte, so every byte
/// string has exactly one accepted encoding.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// For each position in a group of four characters, the 6 bits of each character already
    /// shifted into place in a 24-bit group; 0xFF00_0000 marks a character outside the alphabet.
    private static let groupTable: [UInt32] = {
        var table = [UInt32](repeating: 0xFF00_0000, count: 4 * 256)
        for position in 0..<4 {
            for (index, character) in alphabet.enumerated() {
                table[position * 256 + Int(character)] = UInt32(index) << (18 - 6 * position)
            }
        }
        return table
    }()

    /// Encodes `bytes`.
    /// - Parameter bytes: The data.
    /// - Returns: The base64url text, without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let outputCount = (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: outputCount) { output in
            var out = 0
            var index = 0
            while index + 3 <= input.count {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                output[out] = alphabet[Int(value >> 18 & 63)]
                output[out + 1] = alphabet[Int(value >> 12 & 63)]
                output[out + 2] = alphabet[Int(value >> 6 & 63)]
                output[out + 3] = alphabet[Int(value & 63)]
                out += 4
                index += 3
            }
            let rest = input.count - index
            if rest == 1 {
                let value = UInt32(input[index]) << 16
                output[out] = alphabet[Int(value >> 18 & 63)]
                output[out + 1] = alphabet[Int(value >> 12 & 63)]
                out += 2
            } else if rest == 2 {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                output[out] = alphabet[Int(value >> 18 & 63)]
                output[out + 1] = alphabet[Int(value >> 12 & 63)]
                output[out + 2] = alphabet[Int(value >> 6 & 63)]
                out += 3
            }
            return out
        }
    }

    /// Decodes base64url text.
    /// - Parameter text: The text (UTF-8).
    /// - Returns: The bytes, or nil when the text is not canonical unpadded base64url.
    public static func decode(_ text: String) -> [UInt8]? {
        var copy = text
        return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// Decodes base64url text.
    /// - Parameter text: The text (UTF-8).
    /// - Returns: The bytes, or nil when the text is not canonical unpadded base64url.
    public static func decode(_ text: Substring) -> [UInt8]? {
        var copy = text
        return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// Decodes base64url given as ASCII bytes.
    /// - Parameter ascii: The encoded bytes.
    /// - Returns: The bytes, or nil when they are not canonical unpadded base64url.
    public static func decode(_ ascii: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let count = decodedCount(ofEncoded: ascii.count) else { return nil }
        var valid = false
        let output = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            valid = decode(ascii, into: UnsafeMutableRawBufferPointer(out))
            initialized = valid ? count : 0
        }
        return valid ? output : nil
    }

    /// How many bytes `count` characters of unpadded base64url decode to.
    /// - Parameter count: The number of encoded characters.
    /// - Returns: The decoded length, or nil for a length of the form 4n+1, which no encoding has.
    public static func decodedCount(ofEncoded count: Int) -> Int? {
        count % 4 == 1 ? nil : count / 4 * 3 + max(count % 4 - 1, 0)
    }

    /// Decodes base64url given as ASCII bytes into `output`, without allocating.
    /// - Parameters:
    ///   - ascii: The encoded bytes.
    ///   - output: At least ``decodedCount(ofEncoded:)`` bytes; its content is unspecified when
    ///     the result is false.
    /// - Returns: Whether `ascii` is canonical unpadded base64url.
    public static func decode(_ ascii: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let outputCount = decodedCount(ofEncoded: ascii.count) else { return false }
        precondition(output.count >= outputCount, "the output buffer is too small")
        guard let input = ascii.baseAddress, let out = output.baseAddress else { return outputCount == 0 }
        let fullGroups = ascii.count / 4
        let rest = ascii.count % 4
        return groupTable.withUnsafeBufferPointer { table in
            guard let groups = table.baseAddress else { return false }
            var invalid: UInt32 = 0
            // Two groups per step: eight characters in one load, six bytes in one eight-byte store,
            // while the store stays inside the decoded length (the next step overwrites its tail).
            let pairs = outputCount >= 8 ? min(fullGroups / 2, (outputCount - 8) / 6 + 1) : 0
            for pair in 0..<pairs {
                let chars = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: pair * 8, as: UInt64.self))
                let first =
                    groups[Int(chars & 0xFF)] | groups[256 + Int(chars >> 8 & 0xFF)]
                    | groups[512 + Int(chars >> 16 & 0xFF)] | groups[768 + Int(chars >> 24 & 0xFF)]
                let second =
                    groups[Int(chars >> 32 & 0xFF)] | groups[256 + Int(chars >> 40 & 0xFF)]
                    | groups[512 + Int(chars >> 48 & 0xFF)] | groups[768 + Int(chars >> 56)]
                invalid |= first | second
                let bytes = UInt64(first & 0xFF_FFFF) << 40 | UInt64(second & 0xFF_FFFF) << 16
                out.storeBytes(of: bytes.bigEndian, toByteOffset: pair * 6, as: UInt64.self)
            }
            for group in (pairs * 2)..<fullGroups {
                // Four characters in one load; each indexes its own quarter of the table.
                let chars = UInt32(littleEndian: input.loadUnaligned(fromByteOffset: group * 4, as: UInt32.self))
                let bits =
                    groups[Int(chars & 0xFF)] | groups[256 + Int(chars >> 8 & 0xFF)]
                    | groups[512 + Int(chars >> 16 & 0xFF)] | groups[768 + Int(chars >> 24)]
                invalid |= bits
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 16), toByteOffset: group * 3, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 8), toByteOffset: group * 3 + 1, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits), toByteOffset: group * 3 + 2, as: UInt8.self)
            }
            // The last 2 or 3 characters: their unused low bits must be zero (canonical form).
            if rest >= 2 {
                let at = fullGroups * 4
                let written = fullGroups * 3
                var bits = groups[Int(input.load(fromByteOffset: at, as: UInt8.self))]
                bits |= groups[256 + Int(input.load(fromByteOffset: at + 1, as: UInt8.self))]
                if rest == 3 { bits |= groups[512 + Int(input.load(fromByteOffset: at + 2, as: UInt8.self))] }
                let unused: UInt32 = rest == 2 ? 0xFFFF : 0xFF
                invalid |= bits & 0xFF00_0000 | (bits & unused == 0 ? 0 : 0x0100_0000)
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 16), toByteOffset: written, as: UInt8.self)
                if rest == 3 {
                    out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 8), toByteOffset: written + 1, as: UInt8.self)
                }
            }
            return invalid & 0xFF00_0000 == 0
        }
    }
}
