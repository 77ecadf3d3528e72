public import LicenseBusCore
public import LicenseBusNATS

extension Settings {
    /// The wait before a server that refused the credentials is tried again: long enough that a
    /// fleet with a wrong password does not hammer the broker, short enough to join soon after a fix.
    public static let authErrorRetryWait: Duration = .seconds(10)

    /// The NATS settings of SPEC §7: `NATS_URL` (comma-separated, `user:pass@` or `token@`
    /// allowed), `NATS_USER`, `NATS_PASSWORD`, `NATS_TOKEN`, `NATS_NKEY_SEED_FILE` (a user seed) and
    /// `NATS_CREDS` (a credentials file), both in files of mode 0600 or stricter, and TLS:
    /// `NATS_CA`, `NATS_CERT`, `NATS_KEY` (mode 0600 or stricter), `NATS_TLS_FIRST`; for a
    /// long-running program that connects in the background and reconnects for ever, also past
    /// refused credentials (every ``authErrorRetryWait``), so it joins once an operator mends them.
    /// - Parameter name: The connection name shown by the server.
    /// - Returns: The NATS configuration.
    /// - Throws: ``SettingsError`` naming `NATS_URL` when a URL is not valid; `NATS_NKEY_SEED_FILE`,
    ///   `NATS_CREDS`, `NATS_CA`, `NATS_CERT` or `NATS_KEY` when the file is unreadable, a secret one
    ///   is readable by others, or a seed or credentials file is not valid; `NATS_TLS_FIRST` when it is
    ///   not `true` or `false`.
    public func natsConfiguration(name: String) throws(SettingsError) -> NATSConfiguration {
        let servers: [ServerURL]
        do {
            servers = try ServerURL.list(self.value(SettingsName.natsURL) ?? "nats://127.0.0.1:4222")
        } catch {
            throw SettingsError(setting: SettingsName.natsURL, error.message)
        }
        var configuration = NATSConfiguration(
            servers: servers,
            user: self.value("NATS_USER"),
            password: self.value("NATS_PASSWORD"),
            token: self.value("NATS_TOKEN"),
            name: name,
            maxReconnectAttempts: nil,
            retryOnFailedConnect: true,
            authErrorRetryWait: Self.authErrorRetryWait
        )
        if let path = self.value("NATS_NKEY_SEED_FILE") {
            configuration.nkeySeed = try Self.parseSecretFile(path, setting: "NATS_NKEY_SEED_FILE") {
                (text) throws(NATSError) in
                try NKeySeed(text)
            }
        }
        if let path = self.value("NATS_CREDS") {
            configuration.credentials = try Self.parseSecretFile(path, setting: "NATS_CREDS") {
                (text) throws(NATSError) in
                try UserCredentials(parsing: text)
            }
        }
        try self.applyTLSSettings(to: &configuration)
        return configuration
    }

    /// `NATS_CA`, `NATS_CERT` + `NATS_KEY` (the key owner-only) and `NATS_TLS_FIRST`; any of
    /// them makes TLS required. The files are loaded here, as the connection will load them, so
    /// a bad one stops the program at start naming its setting.
    private func applyTLSSettings(to configuration: inout NATSConfiguration) throws(SettingsError) {
        if let path = self.value("NATS_CA") {
            try Self.checkFile(path, setting: "NATS_CA")
            configuration.tlsCAFile = path
            try Self.load(NATSConfiguration(tlsCAFile: path), setting: "NATS_CA")
        }
        switch (self.value("NATS_CERT"), self.value("NATS_KEY")) {
        case (nil, nil): break
        case (let certificate?, let key?):
            try Self.checkFile(certificate, setting: "NATS_CERT")
            try Self.checkFile(key, setting: "NATS_KEY", isSecret: true)
            configuration.tlsCertificateFile = certificate
            configuration.tlsKeyFile = key
            try Self.load(configuration, setting: "NATS_CERT")
        case (nil, _?):
            throw SettingsError(setting: "NATS_CERT", "NATS_KEY is set but NATS_CERT is not; mutual TLS needs both")
        case (_?, nil):
            throw SettingsError(setting: "NATS_KEY", "NATS_CERT is set but NATS_KEY is not; mutual TLS needs both")
        }
        switch self.value("NATS_TLS_FIRST") {
        case nil, "false": break
        case "true": configuration.tlsFirst = true
        case let other?:
            throw SettingsError(setting: "NATS_TLS_FIRST", "'\(other)' is not true or false")
        }
    }

    /// Loads the TLS files of `configuration`; a failure is a fault of `setting`.
    private static func load(_ configuration: NATSConfiguration, setting: String) throws(SettingsError) {
        do {
            try configuration.checkTLSFiles()
        } catch {
            throw SettingsError(setting: setting, error.message)
        }
    }

    /// Checks that `path` exists; a secret file must also be readable by its owner only.
    private static func checkFile(_ path: String, setting: String, isSecret: Bool = false) throws(SettingsError) {
        let mode: UInt32
        do {
            mode = try FileAccess.permissions(path)
        } catch {
            throw SettingsError(setting: setting, "cannot read \(error)")
        }
        guard !isSecret || mode & 0o077 == 0 else {
            throw SettingsError(
                setting: setting,
                "\(path) is readable by group or others (mode 0\(String(mode, radix: 8))); it holds a secret",
                hint: "chmod 600 \(path)"
            )
        }
    }

    /// Reads a secret file that only its owner can read, and parses it.
    private static func parseSecretFile<Value>(
        _ path: String,
        setting: String,
        parse: (String) throws(NATSError) -> Value
    ) throws(SettingsError) -> Value {
        try checkFile(path, setting: setting, isSecret: true)
        let text: String
        do {
            text = try FileAccess.readText(path, limit: 4096)
        } catch {
            throw SettingsError(setting: setting, "cannot read \(error)")
        }
        do {
            return try parse(text)
        } catch {
            throw SettingsError(setting: setting, error.message)
        }
    }

    /// `LICENSE_SUBJECT` (default `license.key`), checked to be a plain subject: one the NATS
    /// client accepts, without wildcards (it is published to).
    /// - Returns: The subject.
    /// - Throws: ``SettingsError`` naming the setting when it has white space, wildcards or empty tokens.
    public func subject() throws(SettingsError) -> String {
        let subject = self.value(SettingsName.subject) ?? "license.key"
        let tokens = subject.split(separator: ".")
        guard SubjectRules.isValid(subject), !tokens.contains(where: { $0 == "*" || $0 == ">" }) else {
            throw SettingsError(setting: SettingsName.subject, "'\(subject)' is not a plain NATS subject")
        }
        return subject
    }
}
