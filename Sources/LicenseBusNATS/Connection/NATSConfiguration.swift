/// How a ``NATSConnection`` connects, authenticates, reconnects and buffers.
///
/// Its description never shows passwords or tokens.
public struct NATSConfiguration: Sendable, CustomStringConvertible {
    /// The servers to try; discovered servers are added to this pool.
    public var servers: [ServerURL]
    /// User for user/password auth (a URL's user info wins for that URL).
    public var user: String?
    /// Password for user/password auth.
    public var password: String?
    /// Token for token auth.
    public var token: String?
    /// A user NKey seed: CONNECT carries its public key and its signature of the server's nonce.
    public var nkeySeed: NKeySeed?
    /// A credentials file's user JWT and seed: CONNECT carries the JWT and the signed nonce.
    public var credentials: UserCredentials?
    /// Whether every connection must use TLS (also implied by a `tls://` URL, a CA file,
    /// a client certificate or ``tlsFirst``). A server that requires TLS gets it regardless.
    public var tlsRequired: Bool
    /// A PEM file of CA certificates that server certificates must chain to; nil uses the system store.
    public var tlsCAFile: String?
    /// A PEM client certificate (and chain) for servers that verify clients (mutual TLS).
    public var tlsCertificateFile: String?
    /// The PEM private key of ``tlsCertificateFile``.
    public var tlsKeyFile: String?
    /// Start TLS right after the TCP connect, before the server's INFO (server `handshake_first`).
    public var tlsFirst: Bool
    /// The connection's name, shown in the server's monitoring.
    public var name: String
    /// Keep the pool in the order given instead of shuffling it.
    public var noRandomize: Bool
    /// Do not add the servers that the server announces in `connect_urls`.
    public var ignoreDiscoveredServers: Bool
    /// How long one TCP connect and handshake may take.
    public var connectTimeout: Duration
    /// The wait before trying a server again, after each pass over the pool.
    public var reconnectWait: Duration
    /// Up to this much random time is added to each wait, so clients do not reconnect in step.
    public var reconnectJitter: Duration
    /// The random extra wait when TLS is in use (handshakes cost the server more).
    public var reconnectJitterTLS: Duration
    /// Failed attempts in a row after which a server leaves the pool (one attempt at least is
    /// made, even with 0); nil tries for ever.
    public var maxReconnectAttempts: Int?
    /// Whether a first connect that fails keeps trying in the background instead of throwing.
    public var retryOnFailedConnect: Bool
    /// nil: the same authorization error twice in a row from a server closes the connection, as
    /// the official clients do. A duration: such errors do not close it; a server that refused the
    /// credentials is tried again after this wait (for programs that must not give up while an
    /// operator mends the broker's users).
    public var authErrorRetryWait: Duration?
    /// Interval of our keep-alive PINGs.
    public var pingInterval: Duration
    /// Unanswered keep-alive PINGs after which the connection counts as stale.
    public var maxPingsOut: Int
    /// Bytes of publishes kept while disconnected, sent after reconnecting.
    public var reconnectBufferSize: Int
    /// Bytes waiting to be written (queued, or in the batch being written) before `publish`
    /// throws `buffer_full`.
    public var outboundBufferLimit: Int
    /// Messages a subscription buffers before it drops new ones (slow consumer).
    public var subscriptionBufferLimit: Int
    /// Whether `publish` writes to an idle clear-text socket itself (one `send` per publish)
    /// instead of waking the I/O thread, which batches: lower latency for a replier, fewer
    /// messages per second for a bulk publisher (libnats' `SendAsap`). Requests always do.
    public var sendImmediately: Bool
    /// How long a publish may wait for more to join it before the I/O thread writes the batch
    /// (default 1 ms, as libnats' flusher waits; zero: at once). `flush`, `request`, subscribing
    /// and `close` end the wait, and with ``sendImmediately`` publishes never wait (also over
    /// TLS, where the I/O thread writes them). A full 32 KiB batch does not wait either: the
    /// publisher writes it itself, as libnats' publisher writes its full buffer. The bulk
    /// publisher then pays one wake-up per window, not one per handful of messages, which
    /// matters most when it shares a core with the I/O thread; and while it keeps writing
    /// batches, the I/O thread waits a window after its last one before it takes the queue.
    public var writeCoalescing: Duration
    /// Whether the server delivers our own publishes to our own subscriptions.
    public var echo: Bool
    /// The prefix of request inboxes.
    public var inboxPrefix: String

    /// Makes a configuration; every parameter has the official clients' default.
    /// - Parameters:
    ///   - servers: The server pool (default `nats://127.0.0.1:4222`).
    ///   - user: User name, or nil.
    ///   - password: Password, or nil.
    ///   - token: Token, or nil.
    ///   - tlsRequired: Require TLS of every server.
    ///   - tlsCAFile: CA certificates to trust instead of the system store.
    ///   - tlsCertificateFile: Client certificate for mutual TLS.
    ///   - tlsKeyFile: Its private key.
    ///   - tlsFirst: TLS handshake before INFO.
    ///   - name: Connection name.
    ///   - noRandomize: Keep the pool's order.
    ///   - ignoreDiscoveredServers: Ignore `connect_urls`.
    ///   - connectTimeout: Per connect attempt (default 2 s).
    ///   - reconnectWait: Wait between passes over the pool (default 2 s).
    ///   - reconnectJitter: Random extra wait (default 100 ms).
    ///   - reconnectJitterTLS: Random extra wait with TLS (default 1 s).
    ///   - maxReconnectAttempts: Failures in a row per server (default 60; nil for ever).
    ///   - retryOnFailedConnect: Keep trying a failed first connect in the background.
    ///   - authErrorRetryWait: Keep trying after repeated authorization errors, this long apart
    ///     (default nil: close).
    ///   - pingInterval: Keep-alive interval (default 2 min).
    ///   - maxPingsOut: Unanswered PINGs before stale (default 2).
    ///   - reconnectBufferSize: Publish bytes kept while disconnected (default 8 MiB).
    ///   - outboundBufferLimit: Unwritten bytes before `buffer_full` (default 64 MiB).
    ///   - subscriptionBufferLimit: Messages per subscription before drops (default 65,536).
    ///   - sendImmediately: Write publishes from the caller's thread when the socket is idle.
    ///   - writeCoalescing: Longest wait of a publish for others to join it (default 1 ms).
    ///   - echo: Deliver own publishes to own subscriptions (default true).
    ///   - inboxPrefix: Request inbox prefix (default `_INBOX`).
    public init(
        servers: [ServerURL] = [],
        user: String? = nil,
        password: String? = nil,
        token: String? = nil,
        tlsRequired: Bool = false,
        tlsCAFile: String? = nil,
        tlsCertificateFile: String? = nil,
        tlsKeyFile: String? = nil,
        tlsFirst: Bool = false,
        name: String = "license-bus",
        noRandomize: Bool = false,
        ignoreDiscoveredServers: Bool = false,
        connectTimeout: Duration = .seconds(2),
        reconnectWait: Duration = .seconds(2),
        reconnectJitter: Duration = .milliseconds(100),
        reconnectJitterTLS: Duration = .seconds(1),
        maxReconnectAttempts: Int? = 60,
        retryOnFailedConnect: Bool = false,
        authErrorRetryWait: Duration? = nil,
        pingInterval: Duration = .seconds(120),
        maxPingsOut: Int = 2,
        reconnectBufferSize: Int = 8 * 1024 * 1024,
        outboundBufferLimit: Int = 64 * 1024 * 1024,
        subscriptionBufferLimit: Int = 65_536,
        sendImmediately: Bool = false,
        writeCoalescing: Duration = .milliseconds(1),
        echo: Bool = true,
        inboxPrefix: String = "_INBOX"
    ) {
        self.servers = servers
        self.user = user
        self.password = password
        self.token = token
        self.tlsRequired = tlsRequired
        self.tlsCAFile = tlsCAFile
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
        self.tlsFirst = tlsFirst
        self.name = name
        self.noRandomize = noRandomize
        self.ignoreDiscoveredServers = ignoreDiscoveredServers
        self.connectTimeout = connectTimeout
        self.reconnectWait = reconnectWait
        self.reconnectJitter = reconnectJitter
        self.reconnectJitterTLS = reconnectJitterTLS
        self.maxReconnectAttempts = maxReconnectAttempts
        self.retryOnFailedConnect = retryOnFailedConnect
        self.authErrorRetryWait = authErrorRetryWait
        self.pingInterval = pingInterval
        self.maxPingsOut = maxPingsOut
        self.reconnectBufferSize = reconnectBufferSize
        self.outboundBufferLimit = outboundBufferLimit
        self.subscriptionBufferLimit = subscriptionBufferLimit
        self.sendImmediately = sendImmediately
        self.writeCoalescing = writeCoalescing
        self.echo = echo
        self.inboxPrefix = inboxPrefix
    }

    /// The servers and the kind of auth, never the secrets.
    public var description: String {
        let auth =
            self.credentials.map { "creds \($0.seed.publicKey)" } ?? self.nkeySeed.map { "nkey \($0.publicKey)" }
            ?? (self.token != nil ? "token" : (self.user != nil ? "user \(self.user ?? "")" : "none"))
        let tls = self.wantsTLS ? (self.tlsFirst ? "first" : "required") : "if the server requires it"
        return "NATSConfiguration(servers: \(self.servers), auth: \(auth), tls: \(tls), name: \(self.name))"
    }

    /// Whether this configuration asks for TLS with every server.
    var wantsTLS: Bool {
        self.tlsRequired || self.tlsFirst || self.tlsCAFile != nil || self.tlsCertificateFile != nil
            || self.servers.contains { $0.scheme == "tls" }
    }
}
