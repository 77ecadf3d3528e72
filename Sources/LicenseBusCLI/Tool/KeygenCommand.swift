internal import LicenseBusCore
internal import LicenseBusCrypto

/// `license-tool keygen --out DIR [--bits 3072] [--name vendor]`.
enum KeygenCommand {
    static let spec = CommandSpec(
        name: "license-tool keygen",
        usage: "--out DIR [--bits 3072] [--name vendor]",
        help: """
            Makes a vendor RSA key pair in DIR (created 0700 when missing):
              NAME-private.pem  the private key, PKCS#8, mode 0600: keep it with the vendor, never ship it
              NAME.pem          the public key (SPKI); its key id is NAME
            Existing files are never overwritten.
              --out DIR    the folder
              --bits N     modulus size, 2048 or more (default 3072)
              --name NAME  file names and key id (default vendor)
            """,
        valueOptions: ["--out", "--bits", "--name"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        guard let parsed = try LicenseTool.parse(arguments, spec) else { return .success }
        guard let folder = parsed.value("--out") else { throw UsageError("--out DIR is required", spec: spec) }
        let bitsText = parsed.value("--bits") ?? "3072"
        guard let bits = Int(bitsText), bits >= minimumRSAKeyBits, bits <= 16384 else {
            throw UsageError(
                "--bits must be a number from \(minimumRSAKeyBits) to 16384, not '\(bitsText)'",
                spec: spec
            )
        }
        let name = parsed.value("--name") ?? "vendor"
        guard DistributionKeyRing.isValidKeyID(name) else {
            throw UsageError("--name must be 1 to 64 of A-Z a-z 0-9 . _ -", spec: spec)
        }
        try FileAccess.createFolderIfMissing(folder, mode: 0o700)
        let privatePath = folder + "/" + name + "-private.pem"
        let publicPath = folder + "/" + name + ".pem"
        for path in [privatePath, publicPath] where FileAccess.exists(path) {
            throw UsageError("\(path) already exists; keys are never overwritten", spec: spec)
        }
        let key = try RSAPrivateKey.generate(bits: bits)
        try key.pemEncoded().withUnsafeBytes { try FileAccess.createNew(privatePath, bytes: $0, mode: 0o600) }
        try Array(try key.publicKey.pemEncoded().utf8).withUnsafeBytes {
            try FileAccess.createNew(publicPath, bytes: $0, mode: 0o644)
        }
        LicenseTool.terminal.out("private key: \(privatePath) (0600, RSA-\(bits)): keep it secret, never ship it")
        LicenseTool.terminal.out("public key:  \(publicPath) (key id '\(name)')")
        return .success
    }
}
