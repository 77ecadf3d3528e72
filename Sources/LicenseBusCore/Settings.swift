/// The settings of SPEC §7 from three layers: command-line flags beat the environment,
/// and the environment beats the `--config` file. Empty values count as unset.
///
/// Its description lists names only: values may be secret.
public struct Settings: Sendable, CustomStringConvertible {
    private let flags: [String: String]
    private let environment: [String: String]
    private let file: [String: String]

    /// Makes settings from already-read layers.
    /// - Parameters:
    ///   - flags: Values from command-line flags, by setting name.
    ///   - environment: The process environment.
    ///   - file: Values from the `--config` file.
    public init(flags: [String: String] = [:], environment: [String: String] = [:], file: [String: String] = [:]) {
        self.flags = flags
        self.environment = environment
        self.file = file
    }

    /// Reads the layers, including the `--config` file when one is given.
    /// - Parameters:
    ///   - flags: Values from command-line flags, by setting name.
    ///   - environment: The process environment.
    ///   - configPath: The `--config` file's path, or nil.
    /// - Returns: The settings.
    /// - Throws: ``SettingsError`` naming `--config` when the file cannot be read or parsed.
    public static func load(
        flags: [String: String],
        environment: [String: String],
        configPath: String?
    ) throws(SettingsError) -> Settings {
        guard let configPath else { return Settings(flags: flags, environment: environment) }
        let text: String
        do {
            text = try FileAccess.readText(configPath)
        } catch {
            throw SettingsError(setting: "--config", "cannot read \(error)")
        }
        return Settings(flags: flags, environment: environment, file: try SettingsFile.parse(text, path: configPath))
    }

    /// The value of a setting, from the strongest layer that sets it to something non-empty.
    /// - Parameter name: The setting's name.
    /// - Returns: The value, or nil when no layer sets it.
    public func value(_ name: String) -> String? {
        for layer in [self.flags, self.environment, self.file] {
            if let value = layer[name], !value.isEmpty { return value }
        }
        return nil
    }

    /// A required setting.
    /// - Parameter name: The setting's name.
    /// - Returns: Its value.
    /// - Throws: ``SettingsError`` naming the setting when it is not set.
    public func required(_ name: String) throws(SettingsError) -> String {
        guard let value = self.value(name) else { throw SettingsError(setting: name, "is required but not set") }
        return value
    }

    /// A whole number of seconds, at least 1.
    /// - Parameters:
    ///   - name: The setting's name.
    ///   - defaultValue: The value when unset.
    /// - Returns: The number of seconds.
    /// - Throws: ``SettingsError`` naming the setting when it is not a positive whole number.
    public func seconds(_ name: String, default defaultValue: Int) throws(SettingsError) -> Int {
        guard let text = self.value(name) else { return defaultValue }
        guard let number = Int(text.trimmingASCIIWhitespace()), number >= 1, number <= 86_400 * 366 else {
            throw SettingsError(setting: name, "'\(text)' is not a whole number of seconds from 1 to 31622400")
        }
        return number
    }

    /// The names set in any layer, never their values.
    public var description: String {
        let names = Set(self.flags.keys).union(self.environment.keys).union(self.file.keys)
        return "Settings(\(names.sorted().joined(separator: ", ")))"
    }
}
