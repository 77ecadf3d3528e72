public import LicenseBusCrypto

/// The vendor public keys a verifier trusts, each under an id that a license's `kid` may name.
///
/// Host apps build it from keys compiled into their code (SPEC §7); the CLIs from
/// `LICENSE_VENDOR_PUBLIC_KEY`.
public struct VendorKeySet: Sendable {
    /// One trusted key.
    public struct Entry: Sendable {
        /// The key id (`kid`).
        public let id: String
        /// The RSA public key.
        public let key: RSAPublicKey
    }

    /// The trusted keys, in the order given.
    public let entries: [Entry]

    /// Makes a set from keys with unique ids.
    /// - Parameter keys: The ids and keys.
    /// - Throws: ``SettingsError`` naming `LICENSE_VENDOR_PUBLIC_KEY` when an id repeats or is empty.
    public init(_ keys: [(id: String, key: RSAPublicKey)]) throws(SettingsError) {
        var seen: Set<String> = []
        for (id, _) in keys {
            guard !id.isEmpty else {
                throw SettingsError(setting: SettingsName.vendorPublicKey, "a vendor key has an empty id")
            }
            guard seen.insert(id).inserted else {
                throw SettingsError(setting: SettingsName.vendorPublicKey, "the vendor key id '\(id)' is given twice")
            }
        }
        self.entries = keys.map { Entry(id: $0.id, key: $0.key) }
    }

    /// Makes a set from PEM texts, for keys compiled into a host app.
    /// - Parameter pems: Key id and SPKI (or PKCS#1) PEM text, one pair per trusted key.
    /// - Throws: ``SettingsError`` when a PEM is not an RSA public key of 2048 bits or more, or an id repeats.
    public init(pems: [(id: String, pem: String)]) throws(SettingsError) {
        var keys: [(id: String, key: RSAPublicKey)] = []
        for (id, pem) in pems {
            do {
                keys.append((id, try RSAPublicKey(pem: pem)))
            } catch {
                let reason = (error as? CryptoError)?.message ?? "\(error)"
                throw SettingsError(setting: SettingsName.vendorPublicKey, "vendor key '\(id)': \(reason)")
            }
        }
        try self.init(keys)
    }
}
