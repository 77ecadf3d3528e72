/// Base64url without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2).
///
/// Decoding is strict: no padding, no white space, no characters outside the alphabet,
/// no length of the form 4n+1, and no non-zero bits after the last byte, so every byte
/// string has exactly one accepted encoding.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(index)
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
        let output = decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var input = 0
                var written = 0
                for _ in 0..<fullGroups {
                    let a = table[Int(ascii[input])]
                    let b = table[Int(ascii[input + 1])]
                    let c = table[Int(ascii[input + 2])]
                    let d = table[Int(ascii[input + 3])]
                    if (a | b | c | d) & 0xC0 != 0 {
                        valid = false
                        break
                    }
                    out[written] = a << 2 | b >> 4
                    out[written + 1] = (b & 0x0F) << 4 | c >> 2
                    out[written + 2] = (c & 0x03) << 6 | d
                    input += 4
                    written += 3
                }
                if valid && rest == 2 {
                    let a = table[Int(ascii[input])]
                    let b = table[Int(ascii[input + 1])]
                    if (a | b) & 0xC0 != 0 || b & 0x0F != 0 {
                        valid = false
                    } else {
                        out[written] = a << 2 | b >> 4
                        written += 1
                    }
                } else if valid && rest == 3 {
                    let a = table[Int(ascii[input])]
                    let b = table[Int(ascii[input + 1])]
                    let c = table[Int(ascii[input + 2])]
                    if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 {
                        valid = false
                    } else {
                        out[written] = a << 2 | b >> 4
                        out[written + 1] = (b & 0x0F) << 4 | c >> 2
                        written += 2
                    }
                }
                initialized = valid ? written : 0
            }
        }
        return valid ? output : nil
    }
}
