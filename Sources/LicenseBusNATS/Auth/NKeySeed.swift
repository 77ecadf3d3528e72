internal import LicenseBusCrypto

/// A NATS user NKey seed (`SU...`): signs the server's nonce for NKey authentication.
///
/// Its description never shows the seed.
public struct NKeySeed: Sendable, CustomStringConvertible {
    private let key: Ed25519PrivateKey
    /// The user's public key (`U...`), as the server's configuration lists it.
    public let publicKey: String

    /// Decodes a user seed: base32, prefix `SU`, 32 bytes of Ed25519 seed, CRC-16 checked.
    /// - Parameter text: The seed (white space around it is ignored).
    /// - Throws: ``NATSError`` `invalidConfiguration` naming the fault (never the seed).
    public init(_ text: String) throws(NATSError) {
        let trimmed = String(text.trimmingWhitespace())
        guard var raw = NKeyEncoding.base32Decode(trimmed), raw.count == 36 else {
            throw NATSError(.invalidConfiguration, "the NKey seed is not base32 of 36 bytes")
        }
        defer { SecretBytes.wipe(&raw) }
        let crc = UInt16(raw[34]) | UInt16(raw[35]) << 8
        guard NKeyEncoding.crc16(raw[0..<34]) == crc else {
            throw NATSError(
                .invalidConfiguration,
                "the NKey seed's checksum does not match (a typo, or a truncated seed)"
            )
        }
        guard raw[0] & 0xF8 == NKeyEncoding.seedPrefix else {
            throw NATSError(.invalidConfiguration, "the text is not an NKey seed (it must start with S)")
        }
        let typePrefix = (raw[0] & 0x07) << 5 | (raw[1] & 0xF8) >> 3
        guard typePrefix == NKeyEncoding.userPrefix else {
            throw NATSError(.invalidConfiguration, "the NKey seed is not a user seed (SU...)")
        }
        do {
            self.key = try Ed25519PrivateKey(seed: SecretBytes(copying: raw[2..<34]))
        } catch {
            throw NATSError(.invalidConfiguration, "the NKey seed is not a valid Ed25519 seed")
        }
        self.publicKey = NKeyEncoding.encode(prefix: [NKeyEncoding.userPrefix], payload: self.key.publicKeyBytes)
    }

    /// Makes a new user NKey from the system's random generator.
    /// - Returns: The seed's text (`SU...`: a secret, for a file of mode 0600; its bytes are
    ///   wiped here, the string is the caller's to drop) and the seed itself.
    /// - Throws: ``NATSError`` `invalidConfiguration` if no random bytes can be had.
    public static func generateUser() throws(NATSError) -> (text: String, seed: NKeySeed) {
        var payload: [UInt8]
        do {
            payload = try SecureRandom.bytes(count: 32)
        } catch {
            throw NATSError(.invalidConfiguration, "no random bytes for a new NKey: \(error)")
        }
        defer { SecretBytes.wipe(&payload) }
        let prefix = [NKeyEncoding.seedPrefix | NKeyEncoding.userPrefix >> 5, (NKeyEncoding.userPrefix & 31) << 3]
        let text = NKeyEncoding.encode(prefix: prefix, payload: payload)
        return (text, try NKeySeed(text))
    }

    /// The signature of the server's nonce, base64url without padding, for CONNECT's `sig`.
    func sign(nonce: String) throws(NATSError) -> String {
        do {
            return Base64URL.encode(try self.key.signature(for: Array(nonce.utf8)))
        } catch {
            throw NATSError(.invalidConfiguration, "cannot sign the server's nonce: \(error)")
        }
    }

    /// The public key only.
    public var description: String { "NKeySeed(\(self.publicKey))" }
}
