/// A NATS credentials file (`.creds`): a user JWT and its user NKey seed, as `nsc` writes them
/// and the official clients read them (blocks between `-----BEGIN ...-----` and `------END ...------`).
///
/// Its description shows neither the JWT nor the seed.
public struct UserCredentials: Sendable, CustomStringConvertible {
    /// The user JWT, sent in CONNECT.
    public let jwt: String
    /// The user seed that signs the server's nonce.
    public let seed: NKeySeed

    /// Parses the text of a credentials file.
    /// - Parameter text: The file's content.
    /// - Throws: ``NATSError`` `invalidConfiguration` when a block is missing or the seed is bad.
    public init(parsing text: String) throws(NATSError) {
        let blocks = Self.blocks(text)
        guard let jwt = blocks.first(where: { $0.label.contains("JWT") })?.body, jwt.split(separator: ".").count == 3
        else {
            throw NATSError(.invalidConfiguration, "the credentials file has no NATS USER JWT block")
        }
        guard let seed = blocks.first(where: { $0.label.contains("SEED") })?.body else {
            throw NATSError(.invalidConfiguration, "the credentials file has no USER NKEY SEED block")
        }
        self.jwt = jwt
        self.seed = try NKeySeed(seed)
    }

    /// The `-----BEGIN X-----` blocks: their label and the first non-empty line inside.
    private static func blocks(_ text: String) -> [(label: String, body: String)] {
        var result: [(String, String)] = []
        var label: String?
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for rawLine in lines {
            let line = String(rawLine.trimmingWhitespace())
            if line.hasPrefix("---") && line.contains("BEGIN") {
                label = line
            } else if line.hasPrefix("---") && line.contains("END") {
                label = nil
            } else if let current = label, !line.isEmpty {
                result.append((current, line))
                label = nil
            }
        }
        return result
    }

    /// The user's public key only.
    public var description: String { "UserCredentials(\(self.seed.publicKey))" }
}
