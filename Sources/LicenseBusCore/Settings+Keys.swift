internal import LicenseBusCrypto

extension Settings {
    /// The vendor public keys of `LICENSE_VENDOR_PUBLIC_KEY` (used by the CLIs, which only inspect).
    ///
    /// Each comma-separated entry is a PEM file's path, or `ID=path`; without an id the id is
    /// the file name without its last extension (`keys/vendor.pem` is `vendor`).
    /// - Returns: The trusted keys.
    /// - Throws: ``SettingsError`` naming the setting: unset, a file that cannot be read, a PEM that
    ///   is not an RSA public key, a key under 2048 bits, an id given twice.
    public func vendorKeys() throws(SettingsError) -> VendorKeySet {
        try Self.vendorKeys(
            from: try self.required(SettingsName.vendorPublicKey),
            setting: SettingsName.vendorPublicKey
        )
    }

    /// Loads vendor public keys from a comma-separated list of `path` or `ID=path` entries.
    /// - Parameters:
    ///   - list: The entries.
    ///   - setting: The setting or flag's name, for errors.
    /// - Returns: The trusted keys.
    /// - Throws: ``SettingsError`` naming `setting`, as ``vendorKeys()``.
    public static func vendorKeys(from list: String, setting: String) throws(SettingsError) -> VendorKeySet {
        var pems: [(id: String, pem: String)] = []
        for rawEntry in list.split(separator: ",") {
            let entry = rawEntry.trimmingASCIIWhitespace()
            guard !entry.isEmpty else { continue }
            let id: String
            let path: String
            if let equals = entry.firstIndex(of: "="), !entry[..<equals].contains("/") {
                id = String(entry[..<equals])
                path = String(entry[entry.index(after: equals)...])
            } else {
                path = String(entry)
                id = keyID(fromPath: path)
            }
            let text: String
            do {
                text = try FileAccess.readText(path, limit: 64 * 1024)
            } catch {
                throw SettingsError(setting: setting, "cannot read the vendor key \(error)")
            }
            pems.append((id, text))
        }
        guard !pems.isEmpty else { throw SettingsError(setting: setting, "names no key file") }
        do {
            return try VendorKeySet(pems: pems)
        } catch {
            throw SettingsError(setting: setting, error.message, hint: error.hint)
        }
    }

    /// The distribution key ring from `LICENSE_DISTRIBUTION_KEY`, or from the file named by
    /// `LICENSE_DISTRIBUTION_KEY_FILE`.
    /// - Returns: The ring.
    /// - Throws: ``SettingsError`` naming the setting: neither or both set, an unreadable file,
    ///   or a ring that does not parse (see ``DistributionKeyRing/init(parsing:setting:)``).
    public func distributionKeyRing() throws(SettingsError) -> DistributionKeyRing {
        let direct = self.value(SettingsName.distributionKey)
        let filePath = self.value(SettingsName.distributionKeyFile)
        switch (direct, filePath) {
        case (let text?, nil):
            return try DistributionKeyRing(parsing: text, setting: SettingsName.distributionKey)
        case (nil, let path?):
            var bytes: [UInt8]
            do {
                bytes = try FileAccess.read(path, limit: 64 * 1024)
            } catch {
                throw SettingsError(setting: SettingsName.distributionKeyFile, "cannot read \(error)")
            }
            defer { SecretBytes.wipe(&bytes) }
            let text = String(decoding: bytes, as: UTF8.self)
            return try DistributionKeyRing(parsing: text, setting: SettingsName.distributionKeyFile)
        case (nil, nil):
            throw SettingsError(
                setting: SettingsName.distributionKey,
                "is required but not set (nor \(SettingsName.distributionKeyFile))",
                hint: "make a key with `license-tool distribution-key`"
            )
        case (.some, .some):
            throw SettingsError(
                setting: SettingsName.distributionKey,
                "is set together with \(SettingsName.distributionKeyFile); set only one"
            )
        }
    }

    /// The file name without folders and without its last extension.
    static func keyID(fromPath path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
