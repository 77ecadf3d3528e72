public import FoundationEssentials
public import LicenseBusCore
public import LicenseBusLog
public import LicenseBusNATS
internal import LicenseClient

/// What a ``LicenseServer`` distributes and where.
public struct LicenseServerConfiguration: Sendable {
    /// The license file's path.
    public var licenseFile: String
    /// Verifies the license file (vendor keys, issuer, audience).
    public var verifier: LicenseVerifier
    /// The distribution key ring; its first key encrypts.
    public var distributionKeys: DistributionKeyRing
    /// How to reach NATS.
    public var nats: NATSConfiguration
    /// The subject to publish on; requests come on `<subject>.get`.
    public var subject: String
    /// Seconds between periodic publishes.
    public var publishInterval: Duration
    /// How often the license file's content is compared with the one in service.
    public var fileCheckInterval: Duration
    /// Where the server logs.
    public var logger: Logger
    /// Wall time.
    public var now: @Sendable () -> Date

    /// Makes a configuration.
    /// - Parameters:
    ///   - licenseFile: The license file's path.
    ///   - verifier: The verifier.
    ///   - distributionKeys: The ring.
    ///   - nats: NATS servers and auth.
    ///   - subject: The subject (default `license.key`).
    ///   - publishInterval: Default 300 s.
    ///   - fileCheckInterval: Default 1 s (a change is published within about that, well inside 5 s).
    ///   - logger: The logger.
    ///   - now: Wall time.
    public init(
        licenseFile: String,
        verifier: LicenseVerifier,
        distributionKeys: DistributionKeyRing,
        nats: NATSConfiguration,
        subject: String = "license.key",
        publishInterval: Duration = .seconds(300),
        fileCheckInterval: Duration = .seconds(1),
        logger: Logger = .disabled,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.licenseFile = licenseFile
        self.verifier = verifier
        self.distributionKeys = distributionKeys
        self.nats = nats
        self.subject = subject
        self.publishInterval = publishInterval
        self.fileCheckInterval = fileCheckInterval
        self.logger = logger
        self.now = now
    }

    /// Reads SPEC §7 settings: `LICENSE_FILE`, `LICENSE_VENDOR_PUBLIC_KEY`, the ring, `NATS_*`,
    /// `LICENSE_SUBJECT`, `LICENSE_PUBLISH_INTERVAL`, `LICENSE_AUDIENCE`, `LICENSE_ISSUER`.
    /// - Parameters:
    ///   - settings: The layered settings.
    ///   - logger: The logger.
    /// - Returns: The configuration.
    /// - Throws: ``SettingsError`` naming the first bad or missing setting.
    public static func fromSettings(
        _ settings: Settings,
        logger: Logger
    ) throws(SettingsError) -> LicenseServerConfiguration {
        LicenseServerConfiguration(
            licenseFile: try settings.required(SettingsName.licenseFile),
            verifier: LicenseVerifier(
                trustedKeys: try settings.vendorKeys(),
                issuer: settings.value(SettingsName.issuer),
                audience: settings.value(SettingsName.audience)
            ),
            distributionKeys: try settings.distributionKeyRing(),
            nats: try settings.natsConfiguration(name: "license-server"),
            subject: try settings.subject(),
            publishInterval: .seconds(try settings.seconds(SettingsName.publishInterval, default: 300)),
            logger: logger
        )
    }
}
