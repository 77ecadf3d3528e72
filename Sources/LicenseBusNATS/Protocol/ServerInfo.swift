internal import LicenseBusJSON

/// The fields of a server's `INFO` that a client acts on, decoded leniently: a missing or
/// mistyped field takes its default, so an INFO as small as `{"server_id":"x"}` is fine.
public struct ServerInfo: Sendable, Equatable {
    /// The server's unique id.
    public var serverID = ""
    /// The server's name.
    public var serverName = ""
    /// The server's version, e.g. `2.9.10`.
    public var version = ""
    /// The protocol level; 1 supports async INFO and `echo`.
    public var proto = 0
    /// Whether the server supports HPUB/HMSG.
    public var headers = false
    /// The largest payload the server accepts, in bytes.
    public var maxPayload = 1_048_576
    /// Whether credentials are expected.
    public var authRequired = false
    /// Whether the client must upgrade to TLS.
    public var tlsRequired = false
    /// Whether the server offers TLS.
    public var tlsAvailable = false
    /// Whether the server wants a client certificate.
    public var tlsVerify = false
    /// Other servers of the cluster, as `host:port` (no scheme).
    public var connectURLs: [String] = []
    /// Whether the server entered lame duck mode (it is shutting down; clients should move).
    public var lameDuckMode = false
    /// A challenge to sign for NKey or JWT authentication.
    public var nonce: String?

    /// An INFO with every field at its default.
    public init() {}

    /// Decodes an INFO's JSON body.
    /// - Parameter json: The bytes after `INFO `.
    /// - Returns: The fields, defaults where absent.
    /// - Throws: ``NATSError`` `protocolError` when the body is not a JSON object.
    static func decode(_ json: ArraySlice<UInt8>) throws(NATSError) -> ServerInfo {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(json))
        } catch {
            throw NATSError(.protocolError, "the server's INFO is not valid JSON (\(error.description))")
        }
        guard let object = value.objectValue else {
            throw NATSError(.protocolError, "the server's INFO is not a JSON object")
        }
        var info = ServerInfo()
        info.serverID = object["server_id"]?.stringValue ?? ""
        info.serverName = object["server_name"]?.stringValue ?? ""
        info.version = object["version"]?.stringValue ?? ""
        info.proto = object["proto"]?.integerValue.map { Int($0) } ?? 0
        info.headers = object["headers"] == .bool(true)
        if let maxPayload = object["max_payload"]?.integerValue, maxPayload > 0, maxPayload <= Int64(Int32.max) {
            info.maxPayload = Int(maxPayload)
        }
        info.authRequired = object["auth_required"] == .bool(true)
        info.tlsRequired = object["tls_required"] == .bool(true)
        info.tlsAvailable = object["tls_available"] == .bool(true)
        info.tlsVerify = object["tls_verify"] == .bool(true)
        info.connectURLs = object["connect_urls"]?.arrayValue?.compactMap(\.stringValue) ?? []
        info.lameDuckMode = object["ldm"] == .bool(true)
        info.nonce = object["nonce"]?.stringValue
        return info
    }
}
