internal import LicenseBusCrypto
internal import LicenseBusJSON

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JOSE compact serialization split into its base64url parts, without decoding them.
///
/// The parts are byte ranges of the trimmed token's own UTF-8, which is lent, not copied. The
/// bound on size keeps hostile input cheap.
struct CompactToken {
    /// The largest token accepted, in bytes. Real licenses are a few KiB.
    static let maximumByteCount = 64 * 1024

    /// The trimmed token (the caller's string itself when there was nothing to trim).
    let text: String
    /// The byte range of each part (between the dots) in `text`'s UTF-8.
    let ranges: PartRanges

    /// Splits `raw` (leading and trailing white space ignored) into exactly `partCount` parts.
    init(_ raw: String, partCount: Int, what: String) throws(LicenseError) {
        guard raw.utf8.count <= Self.maximumByteCount else {
            throw LicenseError(.malformed, "the \(what) is larger than \(Self.maximumByteCount) bytes")
        }
        var text = raw
        let trimmed = text.withUTF8 { utf8 -> String? in
            var first = 0
            var end = utf8.count
            while first < end, Self.isSpace(utf8[first]) { first += 1 }
            while end > first, Self.isSpace(utf8[end - 1]) { end -= 1 }
            return end - first == utf8.count ? nil : String(decoding: utf8[first..<end], as: UTF8.self)
        }
        if let trimmed { text = trimmed }
        // A no-op for native strings; a bridged one is made native once, not at each lending.
        text.makeContiguousUTF8()
        precondition(partCount <= PartRanges.capacity, "a compact token has at most five parts")
        var ranges = PartRanges()
        text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else {
                ranges.append(0..<0)
                return
            }
            var start = 0
            // At most one dot more than allowed is looked for: that is enough to refuse the token.
            while ranges.count < partCount, let dot = memchr(base + start, Int32(UInt8(ascii: ".")), utf8.count - start)
            {
                let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(dot))
                ranges.append(start..<index)
                start = index + 1
            }
            ranges.append(start..<utf8.count)
        }
        guard ranges.count <= partCount else {
            throw LicenseError(.malformed, "the \(what) has more than \(partCount) parts")
        }
        guard ranges.count == partCount else {
            let parts = ranges.count == 1 ? "1 part" : "\(ranges.count) parts"
            throw LicenseError(.malformed, "the \(what) has \(parts); \(partCount) are required")
        }
        self.text = text
        self.ranges = ranges
    }

    /// Lends the token's UTF-8 to `body`, in place: the text is contiguous UTF-8 since `init`, so
    /// it is neither copied nor retained for the loan.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        guard let result = self.text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) else {
            preconditionFailure("a compact token's text is contiguous UTF-8")
        }
        return result
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Part `index` decoded from base64url, or nil when it is not canonical base64url.
    func decoded(_ index: Int) -> [UInt8]? {
        self.withBytes { Base64URL.decode(UnsafeRawBufferPointer(rebasing: $0[self.ranges[index]])) }
    }

    /// Part `index` decoded as a JSON object.
    func object(_ index: Int, part name: String) throws(LicenseError) -> [String: JSONValue] {
        try self.withDecoded(index, part: name) { bytes throws(LicenseError) in try decodeObject(bytes, part: name) }
    }

    /// Lends part `index`, decoded from base64url into a temporary buffer (on the stack when
    /// small), to `body`.
    /// - Throws: ``LicenseError/Code/malformed`` naming the part when it is not canonical
    ///   base64url; what `body` throws.
    func withDecoded<Result>(
        _ index: Int,
        part name: String,
        _ body: (UnsafeRawBufferPointer) throws(LicenseError) -> Result
    ) throws(LicenseError) -> Result {
        let range = self.ranges[index]
        return try withUnsafeTemporaryAllocation(byteCount: Self.decodedCapacity(range.count), alignment: 1) {
            buffer throws(LicenseError) in
            var used = 0
            return try body(try self.decode(range, part: name, into: buffer, after: &used))
        }
    }

    /// Lends three parts, decoded from base64url into one temporary buffer, to `body`: one
    /// closure for the three, so that what they make is not handed out through nested ones.
    /// The parts are decoded in the order given.
    /// - Throws: ``LicenseError/Code/malformed`` naming the first part that is not canonical
    ///   base64url; what `body` throws.
    func withDecoded<Result>(
        _ indices: (Int, Int, Int),
        parts names: (String, String, String),
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(LicenseError) -> Result
    ) throws(LicenseError) -> Result {
        let ranges = (self.ranges[indices.0], self.ranges[indices.1], self.ranges[indices.2])
        let capacity =
            Self.decodedCapacity(ranges.0.count) + Self.decodedCapacity(ranges.1.count)
            + Self.decodedCapacity(ranges.2.count)
        return try withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 1) { buffer throws(LicenseError) in
            var used = 0
            let first = try self.decode(ranges.0, part: names.0, into: buffer, after: &used)
            let second = try self.decode(ranges.1, part: names.1, into: buffer, after: &used)
            let third = try self.decode(ranges.2, part: names.2, into: buffer, after: &used)
            return try body(first, second, third)
        }
    }

    /// At least the decoded length of `encodedCount` base64url characters.
    private static func decodedCapacity(_ encodedCount: Int) -> Int {
        encodedCount / 4 * 3 + 2
    }

    /// Decodes the part at `range` into `buffer` past its first `used` bytes, and counts them in.
    private func decode(
        _ range: Range<Int>,
        part name: String,
        into buffer: UnsafeMutableRawBufferPointer,
        after used: inout Int
    ) throws(LicenseError) -> UnsafeRawBufferPointer {
        guard let count = Base64URL.decodedCount(ofEncoded: range.count) else {
            throw LicenseError(.malformed, "the \(name) is not base64url")
        }
        let output = UnsafeMutableRawBufferPointer(rebasing: buffer[used..<used + count])
        let isValid = self.withBytes { token in
            Base64URL.decode(UnsafeRawBufferPointer(rebasing: token[range]), into: output)
        }
        guard isValid else { throw LicenseError(.malformed, "the \(name) is not base64url") }
        used += count
        return UnsafeRawBufferPointer(output)
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
