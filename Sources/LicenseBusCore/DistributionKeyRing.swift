public import LicenseBusCrypto

/// The distribution key ring of SPEC §2: `KID:KEY,...`, KEY 32 bytes in base64url.
///
/// The first entry encrypts; every entry decrypts. Its description never shows key bytes.
/// - Important: Immutable; safe to share between threads. Keys live in ``SecretBytes``.
public struct DistributionKeyRing: Sendable, CustomStringConvertible {
    /// One key of the ring.
    public struct Entry: Sendable {
        /// The key id, carried in the envelope's `kid`.
        public let id: String
        /// The 32-byte AES-256 key.
        public let key: SecretBytes
    }

    /// The entries in order; the first encrypts.
    public let entries: [Entry]

    /// Parses a ring.
    /// - Parameters:
    ///   - text: `KID:KEY` entries separated by commas (white space around entries is ignored).
    ///   - setting: The setting's name for error messages.
    /// - Throws: ``SettingsError`` naming `setting`: an empty ring, an entry without `:`, a kid with
    ///   characters outside `A-Z a-z 0-9 . _ -`, a key that is not base64url of 32 bytes, a duplicate kid.
    ///   The message never holds key text.
    public init(parsing text: String, setting: String = SettingsName.distributionKey) throws(SettingsError) {
        var entries: [Entry] = []
        for (position, rawEntry) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let entry = rawEntry.trimmingASCIIWhitespace()
            let number = position + 1
            guard let colon = entry.firstIndex(of: ":") else {
                throw SettingsError(setting: setting, "entry \(number) is not of the form KID:KEY")
            }
            let id = String(entry[..<colon])
            guard Self.isValidKeyID(id) else {
                throw SettingsError(
                    setting: setting,
                    "entry \(number) has an invalid kid '\(id)': use 1 to 64 of A-Z a-z 0-9 . _ -"
                )
            }
            guard var keyBytes = Base64URL.decode(entry[entry.index(after: colon)...]) else {
                throw SettingsError(setting: setting, "the key of kid '\(id)' is not base64url without padding")
            }
            defer { SecretBytes.wipe(&keyBytes) }
            guard keyBytes.count == AESGCM.keyByteCount else {
                throw SettingsError(
                    setting: setting,
                    "the key of kid '\(id)' has \(keyBytes.count) bytes; 32 are required",
                    hint: "make one with `license-tool distribution-key`"
                )
            }
            guard !entries.contains(where: { $0.id == id }) else {
                throw SettingsError(setting: setting, "the kid '\(id)' appears twice in the ring")
            }
            entries.append(Entry(id: id, key: SecretBytes(copying: keyBytes)))
        }
        try self.init(entries: entries, setting: setting)
    }

    /// Makes a ring from entries.
    /// - Parameters:
    ///   - entries: At least one entry, ids unique and valid.
    ///   - setting: The setting's name for error messages.
    /// - Throws: ``SettingsError`` for an empty ring, an invalid or duplicate kid, or a key not 32 bytes.
    public init(entries: [Entry], setting: String = SettingsName.distributionKey) throws(SettingsError) {
        guard !entries.isEmpty else { throw SettingsError(setting: setting, "the ring is empty") }
        for (index, entry) in entries.enumerated() {
            guard Self.isValidKeyID(entry.id), entry.key.count == AESGCM.keyByteCount else {
                throw SettingsError(setting: setting, "entry '\(entry.id)' has an invalid kid or key length")
            }
            guard !entries[..<index].contains(where: { $0.id == entry.id }) else {
                throw SettingsError(setting: setting, "the kid '\(entry.id)' appears twice in the ring")
            }
        }
        self.entries = entries
    }

    /// The entry that encrypts.
    public var current: Entry {
        // Never empty: both initialisers refuse an empty ring.
        self.entries[0]
    }

    /// The key of id `id`, if in the ring.
    func key(id: String) -> SecretBytes? {
        self.entries.first { $0.id == id }?.key
    }

    /// The kids only, e.g. `ring(dk-1, dk-0)`; never key bytes.
    public var description: String {
        "ring(\(self.entries.map(\.id).joined(separator: ", ")))"
    }

    /// Whether `id` is a valid kid: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    /// - Parameter id: A candidate key id.
    /// - Returns: Whether it may name a ring entry.
    public static func isValidKeyID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// A new ring entry `KID:KEY` with a fresh random key, as `license-tool distribution-key` prints it.
    /// - Parameter id: The kid.
    /// - Returns: The entry text; it is secret.
    /// - Throws: ``CryptoError`` if the random generator fails.
    public static func makeEntryText(id: String) throws -> SecretBytes {
        let key = try SecretBytes(randomCount: AESGCM.keyByteCount)
        let text = key.withUnsafeBytes { id + ":" + Base64URL.encode($0) }
        return SecretBytes(copying: Array(text.utf8))
    }
}
