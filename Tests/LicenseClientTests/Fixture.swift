import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusLog
import LicenseBusNATS
import LicenseBusServer
import LicenseBusTestSupport
import LicenseClient
import Synchronization

/// The broker of config/nats-server.conf, with known passwords.
struct Broker {
    static let serverPassword = "srv-pw-\(UInt32.random(in: 0...UInt32.max))"
    static let instancePassword = "inst-pw-\(UInt32.random(in: 0...UInt32.max))"
    let process: NATSServerProcess

    init() throws {
        self.process = try NATSServerProcess(
            configuration: try Fixtures.text("config/nats-server.conf"),
            environment: [
                "LICENSE_SERVER_NATS_PASSWORD": Self.serverPassword, "INSTANCE_NATS_PASSWORD": Self.instancePassword,
            ]
        )
    }

    func url(user: String) -> String {
        let password = user == "license-server" ? Self.serverPassword : Self.instancePassword
        return "nats://\(user):\(password)@127.0.0.1:\(self.process.port)"
    }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let seconds: Mutex<TimeInterval>
    init(_ start: Date = Date()) { self.seconds = Mutex(start.timeIntervalSince1970) }
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
        let configuration = LicenseServerConfiguration(
            licenseFile: licenseFile,
            verifier: SampleKeys.verifier,
            distributionKeys: SampleKeys.ring,
            nats: NATSConfiguration(
                servers: [try ServerURL(broker.url(user: "license-server"))],
                reconnectWait: .milliseconds(100),
                maxReconnectAttempts: nil,
                retryOnFailedConnect: true
            ),
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

/// A client of the test broker, with a memory log and an optional injected clock.
func makeClient(
    broker: Broker?,
    folder: TemporaryDirectory,
    waitTimeout: Duration = .seconds(3),
    clock: TestClock? = nil,
    log: MemoryLogSink = MemoryLogSink(),
    deadPort: Int? = nil
) throws -> LicenseClient {
    let url = broker.map { $0.url(user: "instance") } ?? "nats://127.0.0.1:\(deadPort ?? 1)"
    var configuration = LicenseClientConfiguration(
        trustedKeys: SampleKeys.trusted,
        distributionKeys: SampleKeys.ring,
        nats: NATSConfiguration(
            servers: [try ServerURL(url)],
            reconnectWait: .milliseconds(100),
            maxReconnectAttempts: nil
        ),
        waitTimeout: waitTimeout,
        keyFile: KeyFileLocation(path: folder.path + "/keys/license.key", rule: .setting),
        audience: "ai-agent-os",
        issuer: "https://vendor.example",
        logger: Logger(label: "test-client", sink: log, minimumLevel: .debug)
    )
    if let clock { configuration.now = { clock.now() } }
    return LicenseClient(configuration: configuration)
}
