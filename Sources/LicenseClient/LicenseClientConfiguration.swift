public import FoundationEssentials
public import LicenseBusCore
public import LicenseBusLog
public import LicenseBusNATS

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a ``LicenseClient`` trusts, where it listens and where it keeps the key file.
///
/// The trusted vendor keys come from the host app's code, never from the environment
/// (SPEC §7): whoever can set an environment variable must not be able to trust their own key.
public struct LicenseClientConfiguration: Sendable {
    /// The vendor keys compiled into the host app.
    public var trustedKeys: VendorKeySet
    /// The distribution key ring.
    public var distributionKeys: DistributionKeyRing
    /// How to reach NATS (reconnects for ever in the background).
    public var nats: NATSConfiguration
    /// The subject the server publishes on; requests go to `<subject>.get`.
    public var subject: String
    /// How long `start()` waits for a license from the bus when it holds none.
    public var waitTimeout: Duration
    /// Where the key file is.
    public var keyFile: KeyFileLocation
    /// The audience (product id) a license must contain, or nil.
    public var audience: String?
    /// The issuer a license must name, or nil.
    public var issuer: String?
    /// Where the client logs (rejected envelopes, persistence failures, state changes).
    public var logger: Logger
    /// Wall time; injected so tests can move the clock. Nil (the default) reads the system clock
    /// directly, which keeps ``LicenseClient/allows(_:)`` cheap.
    public var now: (@Sendable () -> Date)?

    /// Makes a configuration.
    /// - Parameters:
    ///   - trustedKeys: The vendor keys from the host app's code.
    ///   - distributionKeys: The distribution key ring.
    ///   - nats: NATS servers and auth (default `nats://127.0.0.1:4222`).
    ///   - subject: The license subject (default `license.key`).
    ///   - waitTimeout: The start-up wait for a license (default 10 s).
    ///   - keyFile: The key file location (default: the SPEC §4 chain from the environment).
    ///   - audience: The required audience, or nil.
    ///   - issuer: The required issuer, or nil.
    ///   - logger: The logger (default: none).
    ///   - now: Wall time (default nil: the system clock).
    public init(
        trustedKeys: VendorKeySet,
        distributionKeys: DistributionKeyRing,
        nats: NATSConfiguration = NATSConfiguration(),
        subject: String = "license.key",
        waitTimeout: Duration = .seconds(10),
        keyFile: KeyFileLocation,
        audience: String? = nil,
        issuer: String? = nil,
        logger: Logger = .disabled,
        now: (@Sendable () -> Date)? = nil
    ) {
        self.trustedKeys = trustedKeys
        self.distributionKeys = distributionKeys
        self.nats = nats
        self.subject = subject
        self.waitTimeout = waitTimeout
        self.keyFile = keyFile
        self.audience = audience
        self.issuer = issuer
        self.logger = logger
        self.now = now
    }

    /// Reads everything but the trusted keys from SPEC §7 settings: `NATS_URL`, `NATS_USER`,
    /// `NATS_PASSWORD`, `NATS_TOKEN`, `LICENSE_DISTRIBUTION_KEY` (or `_FILE`), `LICENSE_SUBJECT`,
    /// `LICENSE_WAIT_TIMEOUT`, `LICENSE_KEY_PATH` (with `HOME`), `LICENSE_AUDIENCE`, `LICENSE_ISSUER`.
    /// - Parameters:
    ///   - settings: The layered settings.
    ///   - trustedKeys: The vendor keys from the host app's code.
    ///   - home: The `HOME` directory, for the key file chain.
    ///   - logger: The logger.
    /// - Returns: The configuration.
    /// - Throws: ``SettingsError`` naming the first bad or missing setting.
    public static func fromSettings(
        _ settings: Settings,
        trustedKeys: VendorKeySet,
        home: String?,
        logger: Logger = .disabled
    ) throws(SettingsError) -> LicenseClientConfiguration {
        LicenseClientConfiguration(
            trustedKeys: trustedKeys,
            distributionKeys: try settings.distributionKeyRing(),
            nats: try settings.natsConfiguration(name: "license-client"),
            subject: try settings.subject(),
            waitTimeout: .seconds(try settings.seconds(SettingsName.waitTimeout, default: 10)),
            keyFile: KeyFileLocation.resolve(keyPath: settings.value(SettingsName.keyPath), home: home),
            audience: settings.value(SettingsName.audience),
            issuer: settings.value(SettingsName.issuer),
            logger: logger
        )
    }
}

extension LicenseClientConfiguration {
    /// The current time.
    func currentDate() -> Date {
        self.now?() ?? Date()
    }

    /// The current Unix time in whole seconds (the system clock's `time()` unless one is injected).
    func currentSeconds() -> Int64 {
        guard let now = self.now else { return Int64(time(nil)) }
        return LicenseTiming.seconds(now())
    }
}
