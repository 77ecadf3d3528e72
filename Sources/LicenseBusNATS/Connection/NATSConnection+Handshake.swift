internal import LicenseBusJSON
import LicenseBusSync

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NATSConnection {
    static let clientVersion = "0.1.0"

    /// TCP connect, TLS (first, or after INFO when either side asks), INFO, CONNECT + PING,
    /// wait for PONG (the client protocol's handshake, reference §1.2).
    func openSession(to server: ServerURL) throws(NATSError) -> Session {
        let deadline = ContinuousClock.now.advanced(by: self.configuration.connectTimeout)
        let stream = ServerStream(
            socket: try TCPSocket.connect(
                host: server.host,
                port: server.port,
                timeout: self.configuration.connectTimeout,
                wake: self.wake,
                isClosed: { self.isClosed }
            )
        )
        if self.configuration.tlsFirst {
            do {
                try self.startTLS(on: stream, with: server, until: deadline)
            } catch  where error.code == .tlsFailed {
                throw NATSError(
                    error.code,
                    "\(error.message); is handshake_first set in the server's tls block (nats-server 2.10.4 or newer)?"
                )
            }
        }
        var parser = ProtocolParser()
        var operations = try self.read(stream, &parser, until: deadline) { !$0.isEmpty }
        guard case .info(var info) = operations.removeFirst() else {
            throw NATSError(.protocolError, "the server did not start with INFO")
        }
        if !stream.isSecure && (info.tlsRequired || self.configuration.wantsTLS) {
            try self.upgrade(stream, to: server, info: info, until: deadline)
        }
        var handshake: [UInt8] = []
        ClientCommand.connect(
            try self.connectJSON(info: info, server: server, secure: stream.isSecure),
            into: &handshake
        )
        ClientCommand.ping(into: &handshake)
        try self.writeAll(handshake, to: stream, until: deadline)
        var pending = operations
        while true {
            if pending.isEmpty { pending = try self.read(stream, &parser, until: deadline) { !$0.isEmpty } }
            let operation = pending.removeFirst()
            switch operation {
            case .pong:
                self.perform(self.state.withLock { $0.didConnect(info: info, server: server) })
                return Session(stream: stream, server: server, info: info, parser: parser, leftover: pending)
            case .info(let update): info = update
            case .ping:
                var pong: [UInt8] = []
                ClientCommand.pong(into: &pong)
                try self.writeAll(pong, to: stream, until: deadline)
            case .ok, .message: break
            case .error(let text):
                let outcome = self.state.withLock { $0.handle([.error(text)]) }
                throw outcome.fatal ?? NATSError(.serverError, "the server refused the connection: \(text)")
            }
        }
    }

    /// The TLS upgrade after a plaintext INFO (ADR-40 "Standard NATS TLS"), when the server
    /// requires it or the configuration wants it.
    private func upgrade(
        _ stream: ServerStream,
        to server: ServerURL,
        info: ServerInfo,
        until deadline: ContinuousClock.Instant
    ) throws(NATSError) {
        guard info.tlsRequired || info.tlsAvailable else {
            throw NATSError(.tlsFailed, "TLS is required, but \(server) does not offer it")
        }
        if info.tlsVerify && self.configuration.tlsCertificateFile == nil {
            throw NATSError(
                .tlsFailed,
                "\(server) requires a client certificate (mutual TLS), and none is configured (NATS_CERT, NATS_KEY)"
            )
        }
        try self.startTLS(on: stream, with: server, until: deadline)
    }

    /// The CONNECT body: verbose and pedantic off (the server defaults them on), protocol 1,
    /// headers and no-responders as the server supports, credentials from the URL or settings.
    private func connectJSON(info: ServerInfo, server: ServerURL, secure: Bool) throws(NATSError) -> String {
        var fields: [String: JSONValue] = [
            "verbose": .bool(false), "pedantic": .bool(false), "tls_required": .bool(secure),
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

    /// Blocking-style read for the handshake: polls until `done(operations)` or the deadline.
    private func read(
        _ stream: ServerStream,
        _ parser: inout ProtocolParser,
        until deadline: ContinuousClock.Instant,
        done: ([ServerOperation]) -> Bool
    ) throws(NATSError) -> [ServerOperation] {
        var operations: [ServerOperation] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !done(operations) {
            if !stream.hasBufferedInput {
                try self.waitReady(stream.descriptor, events: Int16(POLLIN), until: deadline)
            }
            switch buffer.withUnsafeMutableBytes({ stream.receive(into: $0) }) {
            case .wouldBlock: continue
            case .failed(let error): throw error
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
        to stream: ServerStream,
        until deadline: ContinuousClock.Instant
    ) throws(NATSError) {
        var written = 0
        while written < bytes.count || stream.hasUnsentOutput {
            switch bytes.withUnsafeBytes({ stream.send(UnsafeRawBufferPointer(rebasing: $0[written...])) }) {
            case .done(let count): written += count
            case .wouldBlock: try self.waitReady(stream.descriptor, events: Int16(POLLOUT), until: deadline)
            case .failed(let error): throw error
            }
        }
    }

    /// Waits until `descriptor` is ready for `events`, the deadline passes, or the connection closes.
    func waitReady(
        _ descriptor: Int32,
        events: Int16,
        until deadline: ContinuousClock.Instant
    ) throws(NATSError) {
        while true {
            if self.isClosed { throw NATSError.closed }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw NATSError(.connectionFailed, "the handshake timed out") }
            var descriptors = [
                pollfd(fd: descriptor, events: events, revents: 0),
                pollfd(fd: self.wake.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            _ = poll(&descriptors, 2, milliseconds(remaining))
            if descriptors[1].revents != 0 { self.wake.drain() }
            if descriptors[0].revents != 0 { return }
        }
    }
}
