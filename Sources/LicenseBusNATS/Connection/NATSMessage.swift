/// A message received on a subscription, or the reply to a request.
public struct NATSMessage: Sendable, Equatable {
    /// The subject it was published to.
    public let subject: String
    /// Where to send a reply, if the publisher wants one.
    public let replyTo: String?
    /// The headers, for messages published with headers.
    public let headers: NATSHeaders?
    /// The payload bytes.
    public let payload: [UInt8]

    /// Makes a message (for tests and for handing messages around).
    /// - Parameters:
    ///   - subject: The subject.
    ///   - replyTo: The reply subject.
    ///   - headers: The headers.
    ///   - payload: The payload.
    public init(subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: [UInt8]) {
        self.subject = subject
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The payload as UTF-8 text (invalid bytes are replaced).
    public var string: String { String(decoding: self.payload, as: UTF8.self) }
}

/// Counters of one connection, kept across reconnects.
public struct NATSStatistics: Sendable, Equatable {
    /// Messages received.
    public var inMessages: UInt64 = 0
    /// Payload bytes received.
    public var inBytes: UInt64 = 0
    /// Messages published.
    public var outMessages: UInt64 = 0
    /// Payload bytes published.
    public var outBytes: UInt64 = 0
    /// Successful reconnects.
    public var reconnects: UInt64 = 0
    /// Messages dropped because a subscription's buffer was full.
    public var droppedMessages: UInt64 = 0

    /// All counters at zero.
    public init() {}
}

/// Something that happened to a connection, in order, on ``NATSConnection/events``.
public enum ConnectionEvent: Sendable, Equatable {
    /// The first connection is up (the server's URL, credentials redacted).
    case connected(String)
    /// An attempt to connect to a server (its URL, credentials redacted) failed; the next attempt
    /// comes after the reconnect wait, unless the connection closes.
    case connectFailed(String, NATSError)
    /// The connection dropped; it will reconnect unless closed.
    case disconnected(NATSError)
    /// Connected again after a drop; subscriptions are restored.
    case reconnected(String)
    /// The connection is closed for good; nil after a requested close.
    case closed(NATSError?)
    /// The server is shutting down (lame duck mode) and will close its clients soon.
    case lameDuckMode(String)
    /// The server announced other servers, added to the pool (`host:port`).
    case discoveredServers([String])
    /// A subscription's buffer was full and messages were dropped (reported once per episode).
    case slowConsumer(subject: String, sid: UInt64)
    /// A non-fatal error from the server (e.g. a permissions violation).
    case error(NATSError)
}
