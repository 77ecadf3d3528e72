internal import LicenseBusCrypto
internal import LicenseBusJSON

/// A JOSE compact serialization split into its base64url parts, without decoding them.
///
/// The trimmed token is copied once into a byte array and scanned for dots; parts are byte
/// ranges of it. The bound on size keeps hostile input cheap.
struct CompactToken {
    /// The largest token accepted, in bytes. Real licenses are a few KiB.
    static let maximumByteCount = 64 * 1024

    /// The trimmed token's bytes.
    let bytes: [UInt8]
    /// The trimmed token as text (the caller's string itself when there was nothing to trim).
    let text: String
    /// The byte range of each part (between the dots).
    let ranges: [Range<Int>]

    /// Splits `raw` (leading and trailing white space ignored) into exactly `partCount` parts.
    init(_ raw: String, partCount: Int, what: String) throws(LicenseError) {
        guard raw.utf8.count <= Self.maximumByteCount else {
            throw LicenseError(.malformed, "the \(what) is larger than \(Self.maximumByteCount) bytes")
        }
        var copy = raw
        self.bytes = copy.withUTF8 { utf8 in
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            guard let first = utf8.firstIndex(where: { !isSpace($0) }),
                let last = utf8.lastIndex(where: { !isSpace($0) })
            else { return [] }
            return Array(utf8[first...last])
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(partCount)
        var tooMany = false
        self.bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for index in 0..<buffer.count where buffer[index] == UInt8(ascii: ".") {
                guard ranges.count < partCount - 1 else {
                    tooMany = true
                    return
                }
                ranges.append(start..<index)
                start = index + 1
            }
            ranges.append(start..<buffer.count)
        }
        guard !tooMany else { throw LicenseError(.malformed, "the \(what) has more than \(partCount) parts") }
        guard ranges.count == partCount else {
            throw LicenseError(.malformed, "the \(what) has \(ranges.count) parts; \(partCount) are required")
        }
        self.ranges = ranges
        self.text = self.bytes.count == raw.utf8.count ? raw : String(decoding: self.bytes, as: UTF8.self)
    }

    /// The raw (still encoded) bytes of part `index`.
    func raw(_ index: Int) -> ArraySlice<UInt8> { self.bytes[self.ranges[index]] }

    /// Part `index` decoded from base64url, or nil when it is not canonical base64url.
    func decoded(_ index: Int) -> [UInt8]? {
        self.bytes.withUnsafeBytes { Base64URL.decode(UnsafeRawBufferPointer(rebasing: $0[self.ranges[index]])) }
    }

    /// Part `index` decoded as a JSON object.
    func object(_ index: Int, part name: String) throws(LicenseError) -> [String: JSONValue] {
        guard let bytes = self.decoded(index) else { throw LicenseError(.malformed, "the \(name) is not base64url") }
        return try decodeObject(bytes, part: name)
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> Substring {
        let utf8 = self.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }),
            let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return self[self.endIndex...] }
        return self[first...last]
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> Substring {
        Substring(self).trimmingASCIIWhitespace()
    }
}
