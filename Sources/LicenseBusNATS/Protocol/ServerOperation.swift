/// One operation received from the server.
enum ServerOperation: Sendable, Equatable {
    /// `INFO {json}`. Boxed: the large INFO would otherwise make every `MSG` copy as large.
    indirect case info(ServerInfo)
    /// `MSG` or `HMSG`.
    case message(InboundMessage)
    /// `PING`: must be answered with `PONG`.
    case ping
    /// `PONG`: answers our oldest outstanding `PING`.
    case pong
    /// `+OK` (verbose mode only).
    case ok
    /// `-ERR 'text'`, with the quotes removed.
    case error(String)
}

/// A `MSG` or `HMSG` as it came off the wire.
struct InboundMessage: Sendable, Equatable {
    /// The subject it was published to.
    var subject: String
    /// The subscription id it is delivered for.
    var sid: UInt64
    /// The reply subject, if any.
    var replyTo: String?
    /// The header block (`NATS/1.0...\r\n\r\n`), for HMSG.
    var headerBytes: [UInt8]?
    /// The payload.
    var payload: [UInt8]
}
