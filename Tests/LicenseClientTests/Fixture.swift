import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusLog
import LicenseBusNATS
import LicenseBusServer
import LicenseBusSync
import LicenseBusTestSupport
import LicenseClient

/// The broker of config/nats-server.conf: TLS with the test CA, one NKey user for the license
/// server and one for instances (seeds in 0600 files).
struct Broker {
    /// The two users of the shipped configuration.
    enum User: String {
        case licenseServer = "license-server"
        case instance
    }

    /// A seed file and public key per user, made once per test process.
    static let users: [User: (seedFile: String, seed: String, publicKey: String)] = {
        do {
            let folder = try TemporaryDirectory()
            var users: [User: (seedFile: String, seed: String, publicKey: String)] = [:]
            for user in [User.licenseServer, .instance] {
                let (text, seed) = try NKeySeed.generateUser()
                let file = try folder.write(user.rawValue + ".nk", text + "\n", mode: 0o600)
                users[user] = (file, text, seed.publicKey)
            }
            keptFolders.withLock { $0.append(folder) }
            return users
        } catch {
            fatalError("cannot make the test NKeys: \(error)")
        }
    }()
    private static let keptFolders = Locked<[TemporaryDirectory]>([])

    let process: NATSServerProcess

    /// Starts the broker.
    /// - Parameters:
    ///   - port: Its client port, or nil for a free one.
    ///   - instanceKey: The public NKey of the instance user (default: that of ``seed(_:)``).
    init(port: Int? = nil, instanceKey: String? = nil) throws {
        let certificates = TestCertificates.shared
        self.process = try NATSServerProcess(
            configuration: try Fixtures.text("config/nats-server.conf"),
            port: port,
            environment: [
                "LICENSE_BUS_TLS_CERT": certificates.path("server.pem"),
                "LICENSE_BUS_TLS_KEY": certificates.path("server.key"),
                "LICENSE_SERVER_NKEY": Self.seed(.licenseServer).publicKey,
                "INSTANCE_NKEY": instanceKey ?? Self.seed(.instance).publicKey,
            ]
        )
    }

    static func seed(_ user: User) -> (seedFile: String, seed: String, publicKey: String) {
        guard let entry = Self.users[user] else { fatalError("no NKey for \(user)") }
        return entry
    }

    /// `tls://localhost:<port>`.
    var url: String { "tls://localhost:\(self.process.port)" }

    /// The settings of a program connecting as `user`: URL, CA and seed file.
    func environment(_ user: User) -> [String: String] {
        [
            "NATS_URL": self.url, "NATS_CA": TestCertificates.shared.path("ca.pem"),
            "NATS_NKEY_SEED_FILE": Self.seed(user).seedFile,
        ]
    }

    /// A NATS configuration connecting as `user` (reconnecting fast and for ever).
    func natsConfiguration(_ user: User) throws -> NATSConfiguration {
        let settings = Settings(environment: self.environment(user))
        var configuration = try settings.natsConfiguration(name: "test-" + user.rawValue)
        configuration.reconnectWait = .milliseconds(100)
        configuration.reconnectJitterTLS = .milliseconds(20)
        configuration.retryOnFailedConnect = false
        return configuration
    }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let seconds: Locked<TimeInterval>
    init(_ start: Date = Date()) { self.seconds = Locked(start.timeIntervalSince1970) }
    func now() -> Date { Date(timeIntervalSince1970: self.seconds.withLock { $0 }) }
    func advance(_ interval: TimeInterval) { self.seconds.withLock { $0 += interval } }
}

enum LicenseFactory {
    /// A license signed with the sample vendor key.
    static func token(
        jti: String,
        issuedAt: Int64 = Int64(Date().timeIntervalSince1970),
        expiresAt: Int64? = nil,
        grace: Int64? = nil,
        audience: String = "ai-agent-os",
        key: RSAPrivateKey = SampleKeys.vendorPrivate
    ) throws -> String {
        var claims = SampleKeys.claims(issuedAt: issuedAt, jti: jti)
        claims["aud"] = .string(audience)
        if let expiresAt { claims["exp"] = .integer(expiresAt) }
        if let grace { claims["grace"] = .integer(grace) }
        return try LicenseSigner.sign(claims: claims, key: key, keyID: "vendor-test")
    }

    static func envelope(_ token: String, ring: DistributionKeyRing = SampleKeys.ring) throws -> String {
        try LicenseEnvelope.seal(token, ring: ring)
    }
}

/// A running in-process license server.
final class RunningServer: Sendable {
    let server: LicenseServer
    let task: Task<Void, Never>

    init(broker: Broker, licenseFile: String, publishInterval: Duration = .seconds(300)) throws {
        var nats = try broker.natsConfiguration(.licenseServer)
        nats.retryOnFailedConnect = true
        let configuration = LicenseServerConfiguration(
            licenseFile: licenseFile,
            verifier: SampleKeys.verifier,
            distributionKeys: SampleKeys.ring,
            nats: nats,
            publishInterval: publishInterval,
            fileCheckInterval: .milliseconds(100)
        )
        let server = try LicenseServer(configuration: configuration)
        self.server = server
        self.task = Task { try? await server.run() }
    }

    func stop() async {
        self.task.cancel()
        _ = await self.task.value
    }
}

/// A client of the test broker (or of `nats` when given), with a memory log and an optional
/// injected clock.
func makeClient(
    broker: Broker?,
    folder: TemporaryDirectory,
    waitTimeout: Duration = .seconds(3),
    clock: TestClock? = nil,
    log: MemoryLogSink = MemoryLogSink(),
    deadPort: Int? = nil,
    nats given: NATSConfiguration? = nil
) throws -> LicenseClient {
    let nats =
        try given ?? broker?.natsConfiguration(.instance)
        ?? NATSConfiguration(
            servers: [try ServerURL("nats://127.0.0.1:\(deadPort ?? 1)")],
            reconnectWait: .milliseconds(100),
            maxReconnectAttempts: nil
        )
    var configuration = LicenseClientConfiguration(
        trustedKeys: SampleKeys.trusted,
        distributionKeys: SampleKeys.ring,
        nats: nats,
        waitTimeout: waitTimeout,
        keyFile: KeyFileLocation(path: folder.path + "/keys/license.key", rule: .setting),
        audience: "ai-agent-os",
        issuer: "https://vendor.example",
        logger: Logger(label: "test-client", sink: log, minimumLevel: .debug)
    )
    if let clock { configuration.now = { clock.now() } }
    return LicenseClient(configuration: configuration)
}
