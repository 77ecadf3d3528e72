/// The last token of a request's reply subject (`<inbox prefix><token>`): the waiter id in base 62.
///
/// A reply is routed to its waiter by decoding the token back to the id, so no `String` is made
/// or hashed per reply.
enum RequestToken {
    private static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Digit values by byte; 0xFF for a byte that is not a base-62 digit.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, digit) in digits.enumerated() { table[Int(digit)] = UInt8(value) }
        return table
    }()

    /// The token for waiter `id`, most significant digit first (at most 11 characters, so the
    /// `String` is stored inline).
    static func encode(_ id: UInt64) -> String {
        var length = 1
        var rest = id / 62
        while rest > 0 {
            length += 1
            rest /= 62
        }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var value = id
            for index in stride(from: length - 1, through: 0, by: -1) {
                buffer[index] = digits[Int(value % 62)]
                value /= 62
            }
            return length
        }
    }

    /// The waiter id of `token`; nil when it is empty, has a byte outside the alphabet, a
    /// leading zero, or does not fit a `UInt64` (then no waiter can own it).
    static func decode(_ token: Substring.UTF8View) -> UInt64? {
        guard let first = token.first, first != digits[0] || token.count == 1 else { return nil }
        var id: UInt64 = 0
        for byte in token {
            let digit = values[Int(byte)]
            guard digit != 0xFF else { return nil }
            let (shifted, overflowA) = id.multipliedReportingOverflow(by: 62)
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflowA && !overflowB else { return nil }
            id = sum
        }
        return id
    }

    /// `count` random base-62 characters (the inbox's unique part, like a NUID).
    static func random(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in digits[Int(generator.next() % 62)] }, as: UTF8.self)
    }
}
