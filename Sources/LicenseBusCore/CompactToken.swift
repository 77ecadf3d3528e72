/// A JOSE compact serialization split into its base64url parts, without decoding them.
///
/// Only the ASCII dots are looked at; the bound on size keeps hostile input cheap.
struct CompactToken {
    /// The largest token accepted, in bytes. Real licenses are a few KiB.
    static let maximumByteCount = 64 * 1024

    /// The text between the dots.
    let parts: [Substring]
    /// The whole token, trimmed.
    let text: String

    /// Splits `raw` (leading and trailing white space ignored) into exactly `partCount` parts.
    init(_ raw: String, partCount: Int, what: String) throws(LicenseError) {
        guard raw.utf8.count <= Self.maximumByteCount else {
            throw LicenseError(.malformed, "the \(what) is larger than \(Self.maximumByteCount) bytes")
        }
        let trimmed = raw.trimmingASCIIWhitespace()
        var parts: [Substring] = []
        parts.reserveCapacity(partCount)
        let utf8 = trimmed.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: ".") {
                guard parts.count < partCount - 1 else {
                    throw LicenseError(.malformed, "the \(what) has more than \(partCount) parts")
                }
                parts.append(trimmed[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(trimmed[start...])
        guard parts.count == partCount else {
            throw LicenseError(.malformed, "the \(what) has \(parts.count) parts; \(partCount) are required")
        }
        self.parts = parts
        self.text = String(trimmed)
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
