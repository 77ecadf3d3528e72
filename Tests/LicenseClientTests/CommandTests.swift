import Foundation
import LicenseBusCore
import LicenseBusNATS
import LicenseBusTestSupport
import LicenseClient
import Testing

@Suite("license-server and license-client commands (SPEC §8)", .timeLimit(.minutes(1)))
struct CommandTests {
    static let server = ProcessRunner.product("license-server")
    static let client = ProcessRunner.product("license-client")

    private func serverEnvironment(_ broker: Broker?, licenseFile: String) throws -> [String: String] {
        [
            "NATS_URL": "nats://127.0.0.1:1",
            "LICENSE_FILE": licenseFile, "LICENSE_VENDOR_PUBLIC_KEY": Fixtures.samples + "/keys/vendor-test.pem",
            "LICENSE_DISTRIBUTION_KEY_FILE": Fixtures.samples + "/distribution.ring", "LICENSE_AUDIENCE": "ai-agent-os",
        ].merging(broker?.environment(.licenseServer) ?? [:]) { $1 }
    }

    /// An instance's settings; with no broker, NATS is never reached (`status` without `--bus`).
    private func clientEnvironment(_ broker: Broker?, keyPath: String) -> [String: String] {
        [
            "LICENSE_VENDOR_PUBLIC_KEY": Fixtures.samples + "/keys/vendor-test.pem",
            "LICENSE_DISTRIBUTION_KEY_FILE": Fixtures.samples + "/distribution.ring", "LICENSE_KEY_PATH": keyPath,
            "LICENSE_AUDIENCE": "ai-agent-os", "LICENSE_WAIT_TIMEOUT": "2",
        ].merging(broker?.environment(.instance) ?? [:]) { $1 }
    }

    @Test("license-server exits 2 naming a missing or bad setting, or an invalid license at start")
    func serverRefusesToStart() async throws {
        let folder = try TemporaryDirectory()
        let valid = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-ok"))
        var environment = try self.serverEnvironment(nil, licenseFile: valid)
        environment["LICENSE_FILE"] = nil
        let missing = try ProcessRunner.run(Self.server, [], environment: environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("LICENSE_FILE"))
        let expired = try ProcessRunner.run(
            Self.server,
            [],
            environment: try self.serverEnvironment(nil, licenseFile: Fixtures.samples + "/licenses/expired.jwt")
        )
        #expect(expired.status == 2)
        #expect(expired.stderr.contains("[expired]"))
        var badURL = try self.serverEnvironment(nil, licenseFile: valid)
        badURL["NATS_URL"] = "http://nope:1"
        let url = try ProcessRunner.run(Self.server, [], environment: badURL)
        #expect(url.status == 2)
        #expect(url.stderr.contains("NATS_URL"))
        var badInterval = try self.serverEnvironment(nil, licenseFile: valid)
        badInterval["LICENSE_PUBLISH_INTERVAL"] = "often"
        let interval = try ProcessRunner.run(Self.server, [], environment: badInterval)
        #expect(interval.status == 2)
        #expect(interval.stderr.contains("LICENSE_PUBLISH_INTERVAL"))
        #expect(try ProcessRunner.run(Self.server, ["--help"]).status == 0)
    }

    @Test("license-server serves, keeps the last valid license when the file turns invalid, and exits 0 on SIGTERM")
    func serverRunsAndStops() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-srv"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.server)
        process.environment = try self.serverEnvironment(broker, licenseFile: licenseFile)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let keyPath = folder.path + "/instance/license.key"
        let fetched = try await ProcessRunner.runDetached(
            Self.client,
            ["fetch", "--json"],
            environment: self.clientEnvironment(broker, keyPath: keyPath)
        )
        #expect(fetched.status == 0, "\(fetched.stderr)")
        try folder.write("license.jwt", "this is not a license")
        try await Task.sleep(for: .seconds(3))  // the real server checks the file every second
        let again = try await ProcessRunner.runDetached(
            Self.client,
            ["status", "--json", "--bus"],
            environment: self.clientEnvironment(broker, keyPath: keyPath)
        )
        let json = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect((json["bus"] as? [String: Any])?["outcome"] as? String == "same")
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("[malformed]"))
        #expect(log.contains("still serving lic-srv"))
        #expect(log.contains("stopped"))
        let ringKey = String(try Fixtures.text("license-samples/distribution.ring").split(separator: ":")[1])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!log.contains(ringKey))
        #expect(!log.contains(Broker.seed(.licenseServer).seed))
    }

    @Test(
        "license-server whose NATS credentials the broker refuses keeps trying, says so, and still exits 0 on SIGTERM"
    )
    func serverWithRefusedCredentials() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-refused"))
        let (unknownSeed, _) = try NKeySeed.generateUser()
        var environment = try self.serverEnvironment(broker, licenseFile: licenseFile)
        environment["NATS_NKEY_SEED_FILE"] = try folder.write("unknown.nk", unknownSeed + "\n", mode: 0o600)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.server)
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Two refusals in a row closed the connection before, and the server stopped with status 0.
        try await Task.sleep(for: .seconds(3))
        #expect(process.isRunning)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("authorization_violation"), "\(log)")
        #expect(log.contains("(retrying)"))
        #expect(!log.contains(unknownSeed))
    }

    @Test(
        "license-client status: exit 1 and community with no key file; fetch then status: exit 0 with the SPEC fields"
    )
    func clientStatusAndFetch() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let keyPath = folder.path + "/instance/license.key"
        let environment = self.clientEnvironment(broker, keyPath: keyPath)
        let before = try await ProcessRunner.runDetached(Self.client, ["status", "--json"], environment: environment)
        #expect(before.status == 1)
        let empty = try #require(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
        #expect(empty["state"] as? String == "community")
        #expect(empty["detail"] is NSNull)
        #expect(empty["source"] as? String == "none")
        #expect((empty["key_file"] as? [String: Any])?["rule"] as? String == "LICENSE_KEY_PATH")

        let noServer = try await ProcessRunner.runDetached(Self.client, ["fetch", "--json"], environment: environment)
        #expect(noServer.status == 1)

        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-cli"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        let fetched = try await ProcessRunner.runDetached(Self.client, ["fetch", "--json"], environment: environment)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let fetchJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(fetched.stdout.utf8)) as? [String: Any]
        )
        #expect((fetchJSON["received"] as? [String])?.first == "accepted")
        let after = try await ProcessRunner.runDetached(Self.client, ["status", "--json"], environment: environment)
        #expect(after.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect(json["state"] as? String == "enterprise")
        #expect(json["reason"] is NSNull)
        #expect(json["detail"] is NSNull)
        #expect(json["source"] as? String == "key_file")
        #expect((json["key_file"] as? [String: Any])?["mode"] as? String == "0600")
        let license = try #require(json["license"] as? [String: Any])
        for field in ["jti", "sub", "customer", "edition", "features", "limits", "iat", "exp"] {
            #expect(license.keys.contains(field), "missing \(field)")
        }
        let repeatFetch = try await ProcessRunner.runDetached(
            Self.client,
            ["fetch", "--json"],
            environment: environment
        )
        let repeatJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(repeatFetch.stdout.utf8)) as? [String: Any]
        )
        #expect((repeatJSON["received"] as? [String])?.contains("repeat") == true)
        #expect(
            try await ProcessRunner.runDetached(Self.client, ["status", "--bogus"], environment: environment).status
                == 2
        )
        var noRing = environment
        noRing["LICENSE_DISTRIBUTION_KEY_FILE"] = nil
        let settings = try await ProcessRunner.runDetached(Self.client, ["status"], environment: noRing)
        #expect(settings.status == 2)
        #expect(settings.stderr.contains("LICENSE_DISTRIBUTION_KEY"))
        await server.stop()
    }

    @Test(
        "license-client status says why the key file is cache_invalid: a folder, a file too large, a path through a file, junk"
    )
    func statusSaysWhy() async throws {
        let folder = try TemporaryDirectory()
        try FileAccess.createFolders(folder.path + "/folder.key", mode: 0o700)
        _ = try folder.write("large.key", String(repeating: "a", count: 300_000))
        _ = try folder.write("file", "a file\n")
        _ = try folder.write("junk.key", "junk\n")
        let cases = [
            ("folder.key", "is a folder, not a file"), ("large.key", "larger than 262144 bytes"),
            ("file/license.key", "Not a directory"), ("junk.key", "the key file's envelope is refused [malformed]"),
        ]
        for (name, why) in cases {
            let environment = self.clientEnvironment(nil, keyPath: folder.path + "/" + name)
            let text = try await ProcessRunner.runDetached(Self.client, ["status"], environment: environment)
            #expect(text.status == 1)
            #expect(text.stdout.contains("state:    community [cache_invalid]"), "\(text.stdout)")
            #expect(text.stdout.contains("why:      ") && text.stdout.contains(why), "\(text.stdout)")
            let json = try await ProcessRunner.runDetached(Self.client, ["status", "--json"], environment: environment)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["reason"] as? String == "cache_invalid")
            #expect((object["detail"] as? String)?.contains(why) == true, "\(json.stdout)")
        }
    }

    @Test("without NATS_CA the broker's certificate is verified against the system store (here SSL_CERT_FILE)")
    func systemTrustStore() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-store"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        var environment = self.clientEnvironment(broker, keyPath: folder.path + "/instance/license.key")
        environment["NATS_CA"] = nil
        let untrusted = try await ProcessRunner.runDetached(Self.client, ["fetch", "--json"], environment: environment)
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("tls_unknown_authority"), "\(untrusted.stderr)")
        environment["SSL_CERT_FILE"] = TestCertificates.shared.path("ca.pem")
        let trusted = try await ProcessRunner.runDetached(Self.client, ["fetch", "--json"], environment: environment)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        await server.stop()
    }

    @Test("license-client watch prints one line per state change and exits 0 on SIGINT")
    func watch() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-w"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        let lines = try await self.watch(broker, keyPath: folder.path + "/w/license.key", for: .seconds(3))
        #expect(lines.last?.contains("enterprise jti=lic-w") == true, "\(lines)")
        await server.stop()
    }

    @Test("license-client watch starts with the key file's license: no community line before it")
    func watchStartsFromKeyFile() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let keyPath = folder.path + "/w/license.key"
        try LicenseKeyFile(location: KeyFileLocation(path: keyPath, rule: .setting)).write(
            try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-held"))
        )
        let lines = try await self.watch(broker, keyPath: keyPath, for: .seconds(1))
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains(" enterprise jti=lic-held") == true, "\(lines)")
    }

    /// Runs `license-client watch` for `duration`, stops it with SIGINT, expects exit 0, and
    /// returns the lines it printed.
    private func watch(_ broker: Broker, keyPath: String, for duration: Duration) async throws -> [Substring] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.client)
        process.arguments = ["watch"]
        process.environment = self.clientEnvironment(broker, keyPath: keyPath)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        try await Task.sleep(for: duration)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(
            separator: "\n"
        )
    }
}

@Suite("NATS settings", .timeLimit(.minutes(1)))
struct NATSSettingsTests {
    @Test(
        "NATS_NKEY_SEED_FILE: a 0600 user seed is used; one readable by others, or not a seed, is refused naming the setting"
    )
    func nkeySeedFile() throws {
        let folder = try TemporaryDirectory()
        let made = try ProcessRunner.run(
            "python3",
            [
                "-c",
                "import nkeys, os; s = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER); print(s.decode())",
            ]
        )
        let seed = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let good = try folder.write("user.nk", seed + "\n", mode: 0o600)
        let configuration = try Settings(environment: ["NATS_NKEY_SEED_FILE": good]).natsConfiguration(name: "t")
        #expect(configuration.nkeySeed?.publicKey.hasPrefix("U") == true)
        #expect(!configuration.description.contains(seed))
        let loose = try folder.write("loose.nk", seed + "\n", mode: 0o644)
        let looseError = #expect(throws: SettingsError.self) {
            try Settings(environment: ["NATS_NKEY_SEED_FILE": loose]).natsConfiguration(name: "t")
        }
        #expect(looseError?.setting == "NATS_NKEY_SEED_FILE")
        #expect(looseError?.message.contains("readable by group or others") == true)
        let notSeed = try folder.write("bad.nk", "hello\n", mode: 0o600)
        let badError = #expect(throws: SettingsError.self) {
            try Settings(environment: ["NATS_NKEY_SEED_FILE": notSeed]).natsConfiguration(name: "t")
        }
        #expect(badError?.setting == "NATS_NKEY_SEED_FILE")
        #expect(badError?.message.contains(seed) == false)
    }

    @Test("the programs' NATS settings reconnect for ever, also past refused credentials")
    func reconnectForEver() throws {
        let configuration = try Settings(environment: [:]).natsConfiguration(name: "t")
        #expect(configuration.maxReconnectAttempts == nil)
        #expect(configuration.retryOnFailedConnect)
        #expect(configuration.authErrorRetryWait == Settings.authErrorRetryWait)
    }

    @Test("NATS_CREDS: a 0600 credentials file is used; one readable by others is refused naming the setting")
    func credentialsFile() throws {
        let folder = try TemporaryDirectory()
        let made = try ProcessRunner.run("python3", [Fixtures.vectors + "/make-operator-mode.py", folder.path, "ok"])
        #expect(made.status == 0, "\(made.stderr)")
        let creds = folder.path + "/user.creds"
        let configuration = try Settings(environment: ["NATS_CREDS": creds]).natsConfiguration(name: "t")
        #expect(configuration.credentials?.jwt.split(separator: ".").count == 3)
        try FileAccess.setPermissions(creds, 0o640)
        let error = #expect(throws: SettingsError.self) {
            try Settings(environment: ["NATS_CREDS": creds]).natsConfiguration(name: "t")
        }
        #expect(error?.setting == "NATS_CREDS")
        #expect(error?.message.contains("readable by group or others") == true)
    }

    @Test(
        "NATS_CA, NATS_CERT + NATS_KEY, NATS_TLS_FIRST: used when good; a missing or unloadable file, a loose or foreign key, half a pair or a bad flag is refused naming the setting"
    )
    func tlsSettings() throws {
        let files = TestCertificates.shared
        let configuration = try Settings(environment: [
            "NATS_CA": files.path("ca.pem"), "NATS_CERT": files.path("client.pem"),
            "NATS_KEY": files.path("client.key"),
            "NATS_TLS_FIRST": "true",
        ]).natsConfiguration(name: "t")
        #expect(configuration.tlsCAFile == files.path("ca.pem"))
        #expect(configuration.tlsCertificateFile == files.path("client.pem"))
        #expect(configuration.tlsKeyFile == files.path("client.key"))
        #expect(configuration.tlsFirst)
        #expect(try Settings(environment: [:]).natsConfiguration(name: "t").tlsFirst == false)

        let folder = try TemporaryDirectory()
        let looseKey = try folder.write(
            "loose.key",
            try String(contentsOfFile: files.path("client.key"), encoding: .utf8)
        )
        let cases: [([String: String], String, String)] = [
            (["NATS_CA": folder.path + "/missing.pem"], "NATS_CA", "cannot read"),
            (["NATS_CA": files.path("client.key")], "NATS_CA", "cannot load CA certificates"),
            (
                ["NATS_CERT": files.path("client.pem"), "NATS_KEY": files.path("server.key")], "NATS_CERT",
                "does not belong",
            ),
            (["NATS_CERT": files.path("client.pem"), "NATS_KEY": looseKey], "NATS_KEY", "readable by group or others"),
            (["NATS_CERT": files.path("client.pem")], "NATS_KEY", "needs both"),
            (["NATS_KEY": files.path("client.key")], "NATS_CERT", "needs both"),
            (["NATS_TLS_FIRST": "yes"], "NATS_TLS_FIRST", "not true or false"),
        ]
        for (environment, setting, words) in cases {
            let error = #expect(throws: SettingsError.self) {
                try Settings(environment: environment).natsConfiguration(name: "t")
            }
            #expect(error?.setting == setting, "\(environment)")
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
    }

    @Test(
        "LICENSE_SUBJECT must be a plain subject: white space of any kind, wildcards and empty tokens are refused naming it",
        arguments: ["license\tkey", "license key", "license\nkey", "a..b", ".a", "a.", "a.*", "a.>", ">"]
    )
    func badSubject(subject: String) {
        let error = #expect(throws: SettingsError.self) {
            try Settings(environment: ["LICENSE_SUBJECT": subject]).subject()
        }
        #expect(error?.setting == "LICENSE_SUBJECT")
    }

    @Test("LICENSE_SUBJECT defaults to license.key and takes a plain dotted subject")
    func goodSubject() throws {
        #expect(try Settings(environment: [:]).subject() == "license.key")
        #expect(try Settings(environment: ["LICENSE_SUBJECT": "acme.prod.license"]).subject() == "acme.prod.license")
    }
}
