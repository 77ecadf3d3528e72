internal import LicenseBusJSON
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connected socket with its parser, and operations read after the handshake's PONG.
struct Session {
    let socket: TCPSocket
    let server: ServerURL
    /// The INFO as of the end of the handshake.
    let info: ServerInfo
    var parser: ProtocolParser
    var leftover: [ServerOperation]
}

extension NATSConnection {
    static let clientVersion = "0.1.0"
    private static let readBufferSize = 64 * 1024

    /// TCP connect, INFO, CONNECT + PING, wait for PONG (SPEC of the client protocol §1.2).
    func openSession(to server: ServerURL) throws(NATSError) -> Session {
        let deadline = ContinuousClock.now.advanced(by: self.configuration.connectTimeout)
        let socket = try TCPSocket.connect(
            host: server.host,
            port: server.port,
            timeout: self.configuration.connectTimeout,
            wake: self.wake,
            isClosed: { self.isClosed }
        )
        var parser = ProtocolParser()
        var operations = try self.read(socket, &parser, until: deadline) { !$0.isEmpty }
        guard case .info(var info) = operations.removeFirst() else {
            throw NATSError(.protocolError, "the server did not start with INFO")
        }
        if info.tlsRequired {
            throw NATSError(.connectionFailed, "\(server) requires TLS, which this client does not speak yet")
        }
        var handshake: [UInt8] = []
        ClientCommand.connect(try self.connectJSON(info: info, server: server), into: &handshake)
        ClientCommand.ping(into: &handshake)
        try self.writeAll(handshake, to: socket, until: deadline)
        var pending = operations
        while true {
            if pending.isEmpty { pending = try self.read(socket, &parser, until: deadline) { !$0.isEmpty } }
            let operation = pending.removeFirst()
            switch operation {
            case .pong:
                self.perform(self.state.withLock { $0.didConnect(info: info, server: server) })
                return Session(socket: socket, server: server, info: info, parser: parser, leftover: pending)
            case .info(let update): info = update
            case .ping: try self.writeAll([80, 79, 78, 71, 13, 10], to: socket, until: deadline)
            case .ok, .message: break
            case .error(let text):
                var outcome = InboundOutcome()
                outcome = self.state.withLock { $0.handle([.error(text)]) }
                throw outcome.fatal ?? NATSError(.serverError, "the server refused the connection: \(text)")
            }
        }
    }

    /// The CONNECT body: verbose and pedantic off (the server defaults them on), protocol 1,
    /// headers and no-responders as the server supports, credentials from the URL or settings.
    private func connectJSON(info: ServerInfo, server: ServerURL) throws(NATSError) -> String {
        var fields: [String: JSONValue] = [
            "verbose": .bool(false), "pedantic": .bool(false), "tls_required": .bool(false),
            "name": .string(self.configuration.name), "lang": .string("swift"), "version": .string(Self.clientVersion),
            "protocol": .integer(1), "headers": .bool(info.headers), "no_responders": .bool(info.headers),
        ]
        if info.proto >= 1 { fields["echo"] = .bool(self.configuration.echo) }
        if let credentials = self.configuration.credentials {
            guard let nonce = info.nonce else {
                throw NATSError(
                    .authorizationViolation,
                    "credentials are configured but \(server) sent no nonce to sign"
                )
            }
            fields["jwt"] = .string(credentials.jwt)
            fields["sig"] = .string(try credentials.seed.sign(nonce: nonce))
        } else if let seed = self.configuration.nkeySeed {
            guard let nonce = info.nonce else {
                throw NATSError(.authorizationViolation, "an NKey is configured but \(server) sent no nonce to sign")
            }
            fields["nkey"] = .string(seed.publicKey)
            fields["sig"] = .string(try seed.sign(nonce: nonce))
        } else if let user = server.user ?? self.configuration.user {
            fields["user"] = .string(user)
            fields["pass"] = .string(server.password ?? self.configuration.password ?? "")
        } else if let token = server.token ?? self.configuration.token {
            fields["auth_token"] = .string(token)
        }
        return JSONWriter.compact(.object(fields))
    }

    /// Runs a connected session until the socket fails or the connection closes.
    /// - Returns: Why it ended.
    func run(_ session: Session, pool: inout ServerPool) -> NATSError {
        var session = session
        var inflight: [UInt8] = []
        var written = 0
        var readBuffer = [UInt8](repeating: 0, count: Self.readBufferSize)
        let interval = self.configuration.pingInterval
        var nextPing = ContinuousClock.now.advanced(by: interval)
        self.discover(session.info.connectURLs, pool: &pool, server: session.server)
        if let error = self.apply(session.leftover, pool: &pool, server: session.server) { return error }
        while true {
            if written == inflight.count {
                inflight.removeAll(keepingCapacity: true)
                written = 0
                let closed = self.state.withLock { state -> Bool in
                    swap(&inflight, &state.outbound)
                    state.wakeRequested = false
                    return state.isClosed
                }
                if closed {
                    _ = inflight.withUnsafeBytes { session.socket.send($0) }
                    return NATSError.closed
                }
            }
            if written < inflight.count {
                switch inflight.withUnsafeBytes({
                    session.socket.send(UnsafeRawBufferPointer(rebasing: $0[written...]))
                }) {
                case .done(let count): written += count
                case .wouldBlock: break
                case .closed(let reason): return NATSError(.connectionFailed, reason)
                }
                if written == inflight.count { continue }
            }
            let now = ContinuousClock.now
            if now >= nextPing {
                let stale = self.state.withLock { state -> Bool in
                    if state.pingsOut >= self.configuration.maxPingsOut { return true }
                    state.pingsOut += 1
                    ClientCommand.ping(into: &state.outbound)
                    state.pongWaiters.append(ConnectionState.PongWaiter())
                    return false
                }
                if stale {
                    return NATSError(
                        .staleConnection,
                        "the server did not answer \(self.configuration.maxPingsOut) PINGs"
                    )
                }
                nextPing = now.advanced(by: interval)
                continue
            }
            var descriptors = [
                pollfd(
                    fd: session.socket.descriptor,
                    events: Int16(POLLIN) | (written < inflight.count ? Int16(POLLOUT) : 0),
                    revents: 0
                ),
                pollfd(fd: self.wake.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, milliseconds(now.duration(to: nextPing)))
            if ready < 0 && errno != EINTR { return NATSError(.connectionFailed, systemError()) }
            if descriptors[1].revents != 0 { self.wake.drain() }
            let socketEvents = descriptors[0].revents
            if socketEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                if let error = self.receive(&session, &readBuffer, pool: &pool) { return error }
            }
        }
    }

    /// Reads what is there, parses it and applies it.
    private func receive(_ session: inout Session, _ buffer: inout [UInt8], pool: inout ServerPool) -> NATSError? {
        for _ in 0..<4 {
            let result = buffer.withUnsafeMutableBytes { session.socket.receive(into: $0) }
            switch result {
            case .wouldBlock: return nil
            case .closed(let reason): return NATSError(.connectionFailed, reason)
            case .done(let count):
                var operations: [ServerOperation] = []
                let parsed = buffer.withUnsafeBytes { bytes in
                    Result { () throws(NATSError) in
                        try session.parser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<count])) {
                            operations.append($0)
                        }
                    }
                }
                if case .failure(let error) = parsed {
                    _ = self.apply(operations, pool: &pool, server: session.server)
                    return error
                }
                if let error = self.apply(operations, pool: &pool, server: session.server) { return error }
                if count < buffer.count { return nil }
            }
        }
        return nil
    }

    /// Applies server operations to the state; returns a fatal error, if one came.
    private func apply(_ operations: [ServerOperation], pool: inout ServerPool, server: ServerURL) -> NATSError? {
        guard !operations.isEmpty else { return nil }
        let outcome = self.state.withLock { $0.handle(operations) }
        self.perform(outcome.effects)
        self.discover(outcome.announcedServers, pool: &pool, server: server)
        return outcome.fatal
    }

    /// Adds servers announced in `connect_urls` to the pool (unless told to ignore them).
    private func discover(_ addresses: [String], pool: inout ServerPool, server: ServerURL) {
        guard !addresses.isEmpty, !self.configuration.ignoreDiscoveredServers else { return }
        let added = pool.addDiscovered(addresses, scheme: server.scheme)
        if !added.isEmpty { self.eventContinuation.yield(.discoveredServers(added)) }
    }

    /// Blocking-style read for the handshake: polls until `done(operations)` or the deadline.
    private func read(
        _ socket: TCPSocket,
        _ parser: inout ProtocolParser,
        until deadline: ContinuousClock.Instant,
        done: ([ServerOperation]) -> Bool
    ) throws(NATSError) -> [ServerOperation] {
        var operations: [ServerOperation] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !done(operations) {
            try self.waitReady(socket, events: Int16(POLLIN), until: deadline)
            switch buffer.withUnsafeMutableBytes({ socket.receive(into: $0) }) {
            case .wouldBlock: continue
            case .closed(let reason): throw NATSError(.connectionFailed, reason)
            case .done(let count):
                try buffer.withUnsafeBytes { bytes in
                    Result { () throws(NATSError) in
                        try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<count])) { operations.append($0) }
                    }
                }.get()
            }
        }
        return operations
    }

    private func writeAll(
        _ bytes: [UInt8],
        to socket: TCPSocket,
        until deadline: ContinuousClock.Instant
    ) throws(NATSError) {
        var written = 0
        while written < bytes.count {
            switch bytes.withUnsafeBytes({ socket.send(UnsafeRawBufferPointer(rebasing: $0[written...])) }) {
            case .done(let count): written += count
            case .wouldBlock: try self.waitReady(socket, events: Int16(POLLOUT), until: deadline)
            case .closed(let reason): throw NATSError(.connectionFailed, reason)
            }
        }
    }

    private func waitReady(
        _ socket: TCPSocket,
        events: Int16,
        until deadline: ContinuousClock.Instant
    ) throws(NATSError) {
        while true {
            if self.isClosed { throw NATSError.closed }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw NATSError(.connectionFailed, "the handshake timed out") }
            var descriptors = [
                pollfd(fd: socket.descriptor, events: events, revents: 0),
                pollfd(fd: self.wake.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            _ = poll(&descriptors, 2, milliseconds(remaining))
            if descriptors[1].revents != 0 { self.wake.drain() }
            if descriptors[0].revents != 0 { return }
        }
    }
}
