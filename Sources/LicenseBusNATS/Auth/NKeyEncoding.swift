/// The NKey text encoding (nats-io/nkeys): base32 (RFC 4648, no padding) of
/// `prefix || payload || CRC-16/XMODEM little-endian`.
enum NKeyEncoding {
    /// Prefix byte of a seed (`S`).
    static let seedPrefix: UInt8 = 18 << 3
    /// Prefix byte of a user key (`U`).
    static let userPrefix: UInt8 = 20 << 3

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// CRC-16/XMODEM (polynomial 0x1021, initial value 0).
    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }

    static func base32Encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int(buffer >> UInt32(bits - 5) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base32; nil for characters outside the alphabet.
    static func base32Decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits - 8)))
                bits -= 8
            }
        }
        return output
    }

    /// `prefix || payload || crc` in base32.
    static func encode(prefix: [UInt8], payload: [UInt8]) -> String {
        let raw = prefix + payload
        let crc = crc16(raw)
        return base32Encode(raw + [UInt8(crc & 0xFF), UInt8(crc >> 8)])
    }
}
