internal import LicenseBusCore
internal import LicenseBusCrypto

/// `license-tool distribution-key [--kid ID]`.
enum DistributionKeyCommand {
    static let spec = CommandSpec(
        name: "license-tool distribution-key",
        usage: "[--kid ID]",
        help: """
            Prints one new distribution key ring entry KID:KEY (32 random bytes, base64url).
            It is a secret: put it in LICENSE_DISTRIBUTION_KEY (or a 0600 file named by
            LICENSE_DISTRIBUTION_KEY_FILE) on the servers and instances, not in a log.
              --kid ID  the key id (default dk-<8 random hex digits>)
            """,
        valueOptions: ["--kid"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        guard let parsed = try LicenseTool.parse(arguments, spec) else { return .success }
        let kid = try parsed.value("--kid") ?? "dk-" + SecureRandom.bytes(count: 4).map(hex).joined()
        guard DistributionKeyRing.isValidKeyID(kid) else {
            throw UsageError("--kid must be 1 to 64 of A-Z a-z 0-9 . _ -", spec: spec)
        }
        LicenseTool.terminal.outSecret(try DistributionKeyRing.makeEntryText(id: kid))
        return .success
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
