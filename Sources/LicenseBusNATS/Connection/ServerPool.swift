/// The servers a connection may use, in the order it will try them (ADR-40): the given URLs
/// plus discovered ones, shuffled unless asked not to; a server that failed too often leaves.
struct ServerPool {
    struct Entry {
        var url: ServerURL
        var isDiscovered: Bool
        var failures = 0
        var lastAttempt: ContinuousClock.Instant?
        var lastAuthError: NATSError?
    }

    private(set) var entries: [Entry]
    private let randomize: Bool
    private let maxAttempts: Int?

    init(_ urls: [ServerURL], randomize: Bool, maxAttempts: Int?) {
        var entries = urls.map { Entry(url: $0, isDiscovered: false) }
        if randomize { entries.shuffle() }
        self.entries = entries
        self.randomize = randomize
        self.maxAttempts = maxAttempts
    }

    /// The next server to try; it moves to the back of the pool.
    mutating func next() -> Entry? {
        guard !self.entries.isEmpty else { return nil }
        let entry = self.entries.removeFirst()
        self.entries.append(entry)
        return entry
    }

    /// Adds servers (`host:port`) announced by `server` and not yet in the pool; returns the ones
    /// added. They take the scheme of `server`, and an IP address keeps the host name that
    /// TLS verifies (when `server` was reached by name).
    mutating func addDiscovered(_ addresses: [String], announcedBy server: ServerURL) -> [String] {
        var added: [String] = []
        for address in addresses {
            guard var url = try? ServerURL("\(server.scheme)://\(address)"),
                !self.entries.contains(where: { $0.url.address == url.address })
            else { continue }
            if url.isIPAddress, server.inheritedTLSName != nil || !server.isIPAddress {
                url.inheritedTLSName = server.tlsServerName
            }
            self.entries.insert(
                Entry(url: url, isDiscovered: true),
                at: self.randomize ? Int.random(in: 0...self.entries.count) : self.entries.count
            )
            added.append(address)
        }
        return added
    }

    /// Notes an attempt at `url` starting now.
    mutating func attempted(_ url: ServerURL, at instant: ContinuousClock.Instant) {
        self.update(url) { $0.lastAttempt = instant }
    }

    /// Notes a successful connection.
    mutating func succeeded(_ url: ServerURL) {
        self.update(url) {
            $0.failures = 0
            $0.lastAuthError = nil
        }
    }

    /// Notes a failure; the server leaves the pool at its `maxAttempts`-th failure in a row (its
    /// first, with a limit of 0). Returns true when the same auth error happened twice in a row there.
    mutating func failed(_ url: ServerURL, error: NATSError) -> Bool {
        var repeatedAuthError = false
        self.update(url) { entry in
            entry.failures += 1
            let isAuth = error.code == .authorizationViolation || error.code == .authenticationExpired
            if isAuth, let previous = entry.lastAuthError, previous.message == error.message {
                repeatedAuthError = true
            }
            entry.lastAuthError = isAuth ? error : nil
        }
        if let maxAttempts = self.maxAttempts {
            self.entries.removeAll { $0.url.address == url.address && $0.failures >= maxAttempts }
        }
        return repeatedAuthError
    }

    private mutating func update(_ url: ServerURL, _ change: (inout Entry) -> Void) {
        if let index = self.entries.firstIndex(where: { $0.url.address == url.address }) {
            change(&self.entries[index])
        }
    }
}
