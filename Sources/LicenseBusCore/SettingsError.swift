/// A missing or bad setting: names the setting and what is wrong with it (SPEC §7).
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The setting's name, e.g. `LICENSE_DISTRIBUTION_KEY`, or a flag such as `--key`.
    public let setting: String
    /// What is wrong, one sentence, never the secret value itself.
    public let message: String
    /// What the operator can do next.
    public let hint: String?

    /// Makes an error.
    /// - Parameters:
    ///   - setting: The setting's name.
    ///   - message: What is wrong.
    ///   - hint: What to do next.
    public init(setting: String, _ message: String, hint: String? = nil) {
        self.setting = setting
        self.message = message
        self.hint = hint
    }

    /// `SETTING: message`.
    public var description: String { "\(self.setting): \(self.message)" }
}

/// The names of the settings of SPEC §7.
public enum SettingsName {
    /// NATS server URLs, comma-separated.
    public static let natsURL = "NATS_URL"
    /// The license file the server distributes.
    public static let licenseFile = "LICENSE_FILE"
    /// Paths of vendor PEM public keys, comma-separated, each optionally `ID=path`.
    public static let vendorPublicKey = "LICENSE_VENDOR_PUBLIC_KEY"
    /// The distribution key ring `KID:KEY,...`.
    public static let distributionKey = "LICENSE_DISTRIBUTION_KEY"
    /// A file holding the distribution key ring.
    public static let distributionKeyFile = "LICENSE_DISTRIBUTION_KEY_FILE"
    /// The subject the envelope is published on.
    public static let subject = "LICENSE_SUBJECT"
    /// Seconds between periodic publishes.
    public static let publishInterval = "LICENSE_PUBLISH_INTERVAL"
    /// Seconds an instance waits for a license from the bus.
    public static let waitTimeout = "LICENSE_WAIT_TIMEOUT"
    /// The local key file's path.
    public static let keyPath = "LICENSE_KEY_PATH"
    /// The audience (product id) a license must contain.
    public static let audience = "LICENSE_AUDIENCE"
    /// The issuer a license must name.
    public static let issuer = "LICENSE_ISSUER"
}
