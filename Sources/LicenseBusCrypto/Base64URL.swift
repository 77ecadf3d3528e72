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
        let count = ascii.count
        if count % 4 == 1 { return nil }
        let fullGroups = count / 4
        let rest = count % 4
        let outputCount = fullGroups * 3 + (rest == 0 ? 0 : rest - 1)
        var valid = true
        let output = groupTable.withUnsafeBufferPointer { groups in
            [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var input = 0
                var written = 0
                var invalid: UInt32 = 0
                for _ in 0..<fullGroups {
                    let group =
                        groups[Int(ascii[input])] | groups[256 + Int(ascii[input + 1])]
                        | groups[512 + Int(ascii[input + 2])] | groups[768 + Int(ascii[input + 3])]
                    invalid |= group
                    out[written] = UInt8(truncatingIfNeeded: group >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: group)
                    input += 4
                    written += 3
                }
                // The last 2 or 3 characters: their unused low bits must be zero (canonical form).
                if rest >= 2 {
                    var group = groups[Int(ascii[input])] | groups[256 + Int(ascii[input + 1])]
                    if rest == 3 { group |= groups[512 + Int(ascii[input + 2])] }
                    let unused: UInt32 = rest == 2 ? 0xFFFF : 0xFF
                    invalid |= group & 0xFF00_0000 | (group & unused == 0 ? 0 : 0x0100_0000)
                    out[written] = UInt8(truncatingIfNeeded: group >> 16)
                    if rest == 3 { out[written + 1] = UInt8(truncatingIfNeeded: group >> 8) }
                    written += rest - 1
                }
                valid = invalid & 0xFF00_0000 == 0
                initialized = valid ? written : 0
            }
        }
        return valid ? output : nil
    }
}
