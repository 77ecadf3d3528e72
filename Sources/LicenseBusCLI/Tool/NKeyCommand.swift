internal import LicenseBusCore
internal import LicenseBusNATS

/// `license-tool nkey --out FILE`.
enum NKeyCommand {
    static let spec = CommandSpec(
        name: "license-tool nkey",
        usage: "--out FILE",
        help: """
            Makes a NATS user NKey for the broker's authorization block (docs/operator-guide.md):
            the seed (SU..., a secret) goes to FILE with mode 0600, never to the terminal; the
            public key (U...) is printed, for the broker's configuration. FILE is never overwritten.
            Give FILE to the program as NATS_NKEY_SEED_FILE.
              --out FILE  where the seed goes
            """,
        valueOptions: ["--out"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        guard let parsed = try LicenseTool.parse(arguments, spec) else { return .success }
        guard let path = parsed.value("--out") else { throw UsageError("--out FILE is required", spec: spec) }
        guard !FileAccess.exists(path) else {
            throw UsageError("\(path) already exists; seeds are never overwritten", spec: spec)
        }
        let (text, seed) = try NKeySeed.generateUser()
        try Array((text + "\n").utf8).withUnsafeBytes { try FileAccess.createNew(path, bytes: $0, mode: 0o600) }
        LicenseTool.terminal.out(seed.publicKey)
        return .success
    }
}
