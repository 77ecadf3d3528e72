import Foundation
import LicenseBusCore
import LicenseBusLog
import LicenseBusNATS
import LicenseBusTestSupport
import LicenseClient
import Testing

@Suite("Distribution end to end: real broker with the shipped configuration", .timeLimit(.minutes(1)))
struct DistributionTests {
    @Test("a fresh instance becomes enterprise through license.key.get, without waiting for a periodic publish")
    func freshInstance() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-1"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        try await Task.sleep(for: .milliseconds(300))  // its start-up publish is over before the instance exists
        let client = try makeClient(broker: broker, folder: folder)
        let start = ContinuousClock.now
        await client.start()
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(client.status.state == .enterprise)
        #expect(client.status.source == .bus)
        #expect(client.allows("sso"))
        #expect(!client.allows("not-licensed"))
        #expect(client.limits == ["max_instances": 5])
        let path = client.configuration.keyFile.path
        #expect(try FileAccess.permissions(path) == 0o600)
        #expect(try FileAccess.permissions(client.configuration.keyFile.folder) == 0o700)
        #expect(try LicenseEnvelope.open(try FileAccess.readText(path), ring: SampleKeys.ring).contains("."))
        await client.stop()
        await server.stop()
    }

    @Test("with no server answering the instance turns community after the wait, then upgrades when a license arrives")
    func waitThenUpgrade() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let client = try makeClient(broker: broker, folder: folder, waitTimeout: .milliseconds(500))
        let start = ContinuousClock.now
        await client.start()
        #expect(ContinuousClock.now - start >= .milliseconds(500))
        #expect(client.status.state == .community(reason: nil))
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-late"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        #expect(await eventually { client.status.state == .enterprise })
        #expect(client.status.license?.claims.licenseID == "lic-late")
        await client.stop()
        await server.stop()
    }

    @Test(
        "a broker whose certificate the instance does not trust: community after the wait, one warning naming the cause, not one per attempt"
    )
    func untrustedBroker() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let log = MemoryLogSink()
        var client = try makeClient(broker: broker, folder: folder, waitTimeout: .milliseconds(500), log: log)
        var configuration = client.configuration
        configuration.nats.tlsCAFile = TestCertificates.shared.path("otherca.pem")
        configuration.nats.reconnectWait = .milliseconds(200)
        configuration.nats.reconnectJitterTLS = .zero
        client = LicenseClient(configuration: configuration)
        await client.start()
        #expect(client.status.state == .community(reason: nil))
        try await Task.sleep(for: .seconds(2))
        let warnings = log.records.filter { $0.line.contains("cannot connect to NATS") }
        #expect(warnings.count == 1, "\(warnings.map(\.line))")
        #expect(warnings.first?.line.contains("tls_unknown_authority") == true)
        await client.stop()
    }

    @Test("a valid key file grants at once with the broker down")
    func keyFileFirst() async throws {
        let folder = try TemporaryDirectory()
        let seeded = try makeClient(broker: nil, folder: folder)
        try FileAccess.createFolders(seeded.configuration.keyFile.folder, mode: 0o700)
        try LicenseKeyFile(location: seeded.configuration.keyFile).write(
            try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-cached"))
        )
        let dead = try NATSServerProcess()
        let port = dead.port
        dead.stop()
        let client = try makeClient(broker: nil, folder: folder, deadPort: port)
        let start = ContinuousClock.now
        await client.start()
        #expect(ContinuousClock.now - start < .milliseconds(200))
        #expect(client.status.state == .enterprise)
        #expect(client.status.source == .keyFile)
        await client.stop()
    }

    @Test("broker restarted: the instance reconnects, resubscribes and takes a newer license published afterwards")
    func brokerRestart() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write(
            "license.jwt",
            try LicenseFactory.token(jti: "lic-1", issuedAt: Int64(Date().timeIntervalSince1970) - 10)
        )
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        let client = try makeClient(broker: broker, folder: folder)
        await client.start()
        #expect(client.status.license?.claims.licenseID == "lic-1")
        broker.process.crash()
        try await Task.sleep(for: .milliseconds(200))
        #expect(client.status.state == .enterprise)  // nothing on the bus decides
        try broker.process.restart()
        try await Task.sleep(for: .milliseconds(500))
        try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-2"))
        #expect(await eventually(timeout: .seconds(10)) { client.status.license?.claims.licenseID == "lic-2" })
        await client.stop()
        await server.stop()
    }

    @Test("one of two license-server processes killed (SIGKILL): fresh instances are still served")
    func replicas() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-r"))
        let environment = [
            "LICENSE_FILE": licenseFile, "LICENSE_VENDOR_PUBLIC_KEY": Fixtures.samples + "/keys/vendor-test.pem",
            "LICENSE_DISTRIBUTION_KEY_FILE": Fixtures.samples + "/distribution.ring", "LICENSE_AUDIENCE": "ai-agent-os",
        ].merging(broker.environment(.licenseServer)) { $1 }
        let replicas = try (0..<2).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProcessRunner.product("license-server"))
            process.environment = environment
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        defer { replicas.filter(\.isRunning).forEach { $0.terminate() } }
        try await Task.sleep(for: .milliseconds(500))
        kill(replicas[0].processIdentifier, SIGKILL)
        replicas[0].waitUntilExit()
        for index in 0..<5 {
            let instanceFolder = try TemporaryDirectory()
            let client = try makeClient(broker: broker, folder: instanceFolder)
            await client.start()
            #expect(client.status.state == .enterprise, "instance \(index)")
            await client.stop()
        }
    }

    @Test("an instance whose NKey the broker refuses keeps trying, and turns enterprise once the broker lets it in")
    func refusedThenMended() async throws {
        let folder = try TemporaryDirectory()
        let (seedText, seed) = try NKeySeed.generateUser()
        let seedFile = try folder.write("newcomer.nk", seedText + "\n", mode: 0o600)
        var broker = try Broker()
        let port = broker.process.port
        let server = try RunningServer(
            broker: broker,
            licenseFile: try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-mended"))
        )
        var environment = broker.environment(.instance)
        environment["NATS_NKEY_SEED_FILE"] = seedFile
        var nats = try Settings(environment: environment).natsConfiguration(name: "newcomer")
        nats.reconnectWait = .milliseconds(100)
        nats.authErrorRetryWait = .milliseconds(300)
        let log = MemoryLogSink()
        let client = try makeClient(broker: nil, folder: folder, waitTimeout: .seconds(1), log: log, nats: nats)
        await client.start()
        #expect(client.status.state == .community(reason: nil))
        try await Task.sleep(for: .seconds(1))  // refused again and again, never closed
        #expect(log.text.contains("authorization_violation"), "\(log.text)")
        // The operator adds the instance's key: the broker restarts on the same port.
        broker.process.stop()
        broker = try Broker(port: port, instanceKey: seed.publicKey)
        #expect(await eventually(timeout: .seconds(15)) { client.status.state == .enterprise })
        #expect(client.status.license?.claims.licenseID == "lic-mended")
        await client.stop()
        await server.stop()
    }

    @Test("an instance user of the shipped broker configuration cannot publish license.key nor answer license.key.get")
    func brokerPermissions() async throws {
        let broker = try Broker()
        let watcher = try await NATSConnection.connect(
            try broker.natsConfiguration(.licenseServer)
        )
        let instance = try await NATSConnection.connect(
            try broker.natsConfiguration(.instance)
        )
        let heard = try instance.subscribe(to: "license.key")
        let errors = Task { () -> Bool in
            for await event in instance.events {
                if case .error(let error) = event, error.code == .permissionViolation { return true }
            }
            return false
        }
        try await instance.flush()
        try instance.publish(Array("forged".utf8), to: "license.key")
        try await instance.flush()
        #expect(await errors.value)
        #expect(heard.pendingCount == 0)
        // Answering requests needs a subscription to license.key.get, which is refused too.
        let answering = try instance.subscribe(to: "license.key.get")
        var iterator = answering.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        _ = watcher
        await instance.close()
        await watcher.close()
    }
}

@Suite("A server whose license expires stops serving it", .timeLimit(.minutes(1)))
struct ExpiringServerTests {
    @Test("after exp (+ leeway) the server neither answers nor publishes; before, it does")
    func expiry() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970)
        // exp - 60 s leeway puts the end 5 s from now.
        let licenseFile = try folder.write(
            "license.jwt",
            try LicenseFactory.token(jti: "lic-ending", issuedAt: now - 10, expiresAt: now - 55)
        )
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        let asker = try await NATSConnection.connect(
            try broker.natsConfiguration(.instance)
        )
        #expect(
            await eventually {
                (try? await asker.request([], to: "license.key.get", timeout: .milliseconds(200))) != nil
            }
        )
        try await Task.sleep(for: .seconds(6))
        let error = await #expect(throws: NATSError.self) {
            try await asker.request([], to: "license.key.get", timeout: .milliseconds(500))
        }
        #expect(error?.code == .timeout)
        await asker.close()
        await server.stop()
    }
}

@Suite("license-server publishing", .timeLimit(.minutes(1)))
struct PublishingTests {
    @Test("publishes at start and every LICENSE_PUBLISH_INTERVAL")
    func periodic() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let listener = try await NATSConnection.connect(
            try broker.natsConfiguration(.instance)
        )
        let published = try listener.subscribe(to: "license.key")
        try await listener.flush()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-p"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile, publishInterval: .seconds(1))
        #expect(await eventually(timeout: .seconds(5)) { published.pendingCount >= 3 })
        await server.stop()
        await listener.close()
    }

    @Test("a symlink swap of the license file (as Kubernetes does) is noticed and published within 5 s")
    func symlinkSwap() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.path + "/v1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path + "/v2", withIntermediateDirectories: true)
        let now = Int64(Date().timeIntervalSince1970)
        try LicenseFactory.token(jti: "lic-v1", issuedAt: now - 10).write(
            toFile: folder.path + "/v1/license.jwt",
            atomically: true,
            encoding: .utf8
        )
        try LicenseFactory.token(jti: "lic-v2", issuedAt: now).write(
            toFile: folder.path + "/v2/license.jwt",
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/current", withDestinationPath: "v1")
        let server = try RunningServer(broker: broker, licenseFile: folder.path + "/current/license.jwt")
        let client = try makeClient(broker: broker, folder: folder)
        await client.start()
        #expect(client.status.license?.claims.licenseID == "lic-v1")
        // Swap the directory link atomically: a new link renamed over the old one.
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/next", withDestinationPath: "v2")
        #expect(rename(folder.path + "/next", folder.path + "/current") == 0)
        let swapped = ContinuousClock.now
        #expect(await eventually(timeout: .seconds(5)) { client.status.license?.claims.licenseID == "lic-v2" })
        #expect(ContinuousClock.now - swapped < .seconds(5))
        await client.stop()
        await server.stop()
    }
}
