/// One server address: `nats://[user:password@|token@]host[:port]` (scheme and port optional,
/// `host:port` as servers announce in `connect_urls` is accepted too).
///
/// Its description redacts credentials: `nats://alice:***@host:4222`.
public struct ServerURL: Sendable, Hashable, CustomStringConvertible {
    /// `nats` or `tls`.
    public let scheme: String
    /// Host name or IP address (IPv6 without brackets).
    public let host: String
    /// TCP port (default 4222).
    public let port: Int
    /// User from the URL, if any.
    public let user: String?
    /// Password from the URL, if any.
    public let password: String?
    /// Token from the URL (`token@host`), if any.
    public let token: String?
    /// The name a TLS certificate must be valid for when it is not ``host``: a server discovered
    /// by IP address keeps the host name of the URL it was announced through.
    var inheritedTLSName: String?

    /// Parses a server URL.
    /// - Parameter text: e.g. `nats://127.0.0.1:4222`, `tls://user:pw@nats.example:4443`, `host:4222`.
    /// - Throws: ``NATSError`` `invalidConfiguration` naming the (redacted) URL and the fault.
    public init(_ text: String) throws(NATSError) {
        var rest = Substring(text.trimmingWhitespace())
        var scheme = "nats"
        if let range = rest.firstRange(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard ["nats", "tls"].contains(scheme) else {
            throw NATSError(.invalidConfiguration, "the URL scheme '\(scheme)' is not nats or tls")
        }
        var user: String?
        var password: String?
        var token: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon]).removingPercentEncoding()
                password = String(credentials[credentials.index(after: colon)...]).removingPercentEncoding()
            } else {
                token = String(credentials).removingPercentEncoding()
            }
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = rest
        var port = 4222
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw NATSError(.invalidConfiguration, "the URL has an unclosed IPv6 address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst()) }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = try Self.port(rest[rest.index(after: colon)...])
        }
        guard !host.isEmpty else { throw NATSError(.invalidConfiguration, "the URL '\(scheme)://...' has no host") }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.user = user
        self.password = password
        self.token = token
    }

    private static func port(_ text: Substring) throws(NATSError) -> Int {
        guard let value = Int(text), (1...65535).contains(value) else {
            throw NATSError(.invalidConfiguration, "the URL port '\(text)' is not a number from 1 to 65535")
        }
        return value
    }

    /// Parses a comma-separated list of URLs.
    /// - Parameter list: e.g. `nats://a:4222,nats://b:4222`.
    /// - Returns: The URLs, in order.
    /// - Throws: ``NATSError`` `invalidConfiguration` for an empty list or a bad URL.
    public static func list(_ list: String) throws(NATSError) -> [ServerURL] {
        var urls: [ServerURL] = []
        for part in list.split(separator: ",") where !part.trimmingWhitespace().isEmpty {
            urls.append(try ServerURL(String(part)))
        }
        guard !urls.isEmpty else { throw NATSError(.invalidConfiguration, "no server URL is given") }
        return urls
    }

    /// `scheme://host:port` with any credentials shown as `***`.
    public var description: String {
        let shownHost = self.host.contains(":") ? "[\(self.host)]" : self.host
        var credentials = ""
        if let user = self.user { credentials = "\(user):***@" } else if self.token != nil { credentials = "***@" }
        return "\(self.scheme)://\(credentials)\(shownHost):\(self.port)"
    }

    /// The host name (or IP address) the server's TLS certificate must be valid for.
    var tlsServerName: String { self.inheritedTLSName ?? self.host }

    /// Whether the host is an IP address rather than a name.
    var isIPAddress: Bool {
        self.host.contains(":")
            || self.host.split(separator: ".").count == 4 && self.host.allSatisfy { $0.isNumber || $0 == "." }
    }

    /// The same address without credentials, for comparing pool entries.
    var address: String { "\(self.host):\(self.port)" }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = self.firstIndex(where: { !isSpace($0) }) else { return self[self.endIndex...] }
        let last = self.lastIndex(where: { !isSpace($0) }) ?? first
        return self[first...last]
    }
}

extension String {
    /// Decodes `%XX` escapes (as in URL user info); invalid escapes are left as they are.
    func removingPercentEncoding() -> String {
        guard self.contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
