/// The header block of a NATS message (ADR-4): an optional status line and ordered,
/// case-preserving `Name: value` pairs; a name may repeat.
public struct NATSHeaders: Sendable, Equatable {
    /// The inline status, e.g. 503 for "no responders".
    public var status: Int?
    /// The text after the status, if any.
    public var statusDescription: String?
    /// The pairs, in order.
    public private(set) var entries: [(name: String, value: String)] = []

    /// Empty headers.
    public init() {}

    /// Headers with these pairs.
    /// - Parameter entries: Name and value pairs, in order; a name may repeat.
    public init(_ entries: [(String, String)]) {
        for (name, value) in entries { self.append(name, value) }
    }

    /// Adds a value under `name`, after any it already has.
    /// - Parameters:
    ///   - name: The header's name (printable ASCII other than `:`).
    ///   - value: Its value; CR and LF become spaces.
    public mutating func append(_ name: String, _ value: String) {
        // By scalar: "\r\n" is a single Character, so a Character-level replace would miss it.
        var cleaned = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            cleaned.append(scalar == "\r" || scalar == "\n" ? " " : scalar)
        }
        self.entries.append((name, String(cleaned)))
    }

    /// The first value of `name` (names compare exactly, as they are case-preserving).
    /// - Parameter name: The header's name.
    public subscript(name: String) -> String? {
        self.entries.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    /// - Parameter name: The header's name.
    /// - Returns: The values.
    public func values(for name: String) -> [String] {
        self.entries.filter { $0.name == name }.map(\.value)
    }

    /// Whether this is the server's "no responders" reply (status 503).
    public var isNoResponders: Bool { self.status == 503 }

    /// Headers are equal when status, description and pairs are.
    public static func == (lhs: NATSHeaders, rhs: NATSHeaders) -> Bool {
        lhs.status == rhs.status && lhs.statusDescription == rhs.statusDescription
            && lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Whether `name` is a valid header name: printable ASCII 33 to 126 other than `:`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }
    }

    /// The wire form: `NATS/1.0\r\n` + `Name: value\r\n`... + `\r\n`.
    /// - Throws: ``NATSError`` `invalidHeader` for a name that is not valid.
    func encoded() throws(NATSError) -> [UInt8] {
        var bytes = Array("NATS/1.0".utf8)
        if let status = self.status {
            bytes += Array(" \(status)".utf8)
            if let description = self.statusDescription { bytes += Array(" \(description)".utf8) }
        }
        bytes += [13, 10]
        for (name, value) in self.entries {
            guard Self.isValidName(name) else {
                throw NATSError(.invalidHeader, "the header name '\(name)' is not printable ASCII without ':'")
            }
            bytes += Array(name.utf8) + [UInt8(ascii: ":"), UInt8(ascii: " ")] + Array(value.utf8) + [13, 10]
        }
        bytes += [13, 10]
        return bytes
    }

    /// Parses a header block leniently: a missing `NATS/1.0` line gives nil; lines without `:`
    /// are skipped, so a hostile publisher's header cannot break the connection.
    static func decode(_ bytes: [UInt8]) -> NATSHeaders? {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let first = lines.popFirst(), first.hasPrefix("NATS/1.0") else { return nil }
        var headers = NATSHeaders()
        let statusParts = first.dropFirst("NATS/1.0".count).split(separator: " ", maxSplits: 1)
        if let code = statusParts.first, code.count == 3, let status = Int(code) {
            headers.status = status
            if statusParts.count > 1 {
                headers.statusDescription = String(statusParts[1]).trimmingSpaces()
            }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            guard isValidName(name) else { continue }
            headers.entries.append((name, String(line[line.index(after: colon)...]).trimmingSpaces()))
        }
        return headers
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
