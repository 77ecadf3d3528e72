internal import LicenseBusCore
internal import LicenseBusCrypto
internal import LicenseBusJSON

/// `license-tool sign --key PEM --claims JSON [--alg PS256] [--kid ID]`.
enum SignCommand {
    static let spec = CommandSpec(
        name: "license-tool sign",
        usage: "--key PEM --claims JSON [--alg RS256|PS256] [--kid ID]",
        help: """
            Signs claims into a license file and prints it (one line).
              --key PEM      the vendor's private key (PKCS#8 or PKCS#1 PEM, RSA 2048 bits or more)
              --claims JSON  a JSON object: inline text starting with '{', a file's path, or - for stdin;
                             it must hold the claims SPEC §1 requires (iss, aud, sub, jti, iat, edition)
              --alg ALG      RS256 (default) or PS256
              --kid ID       the key id to put in the header (verifiers then use only that key)
            """,
        valueOptions: ["--key", "--claims", "--alg", "--kid"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        guard let parsed = try LicenseTool.parse(arguments, spec) else { return .success }
        guard let keyPath = parsed.value("--key") else { throw UsageError("--key PEM is required", spec: spec) }
        guard let claimsArgument = parsed.value("--claims") else {
            throw UsageError("--claims JSON is required", spec: spec)
        }
        let algorithmName = parsed.value("--alg") ?? "RS256"
        guard let algorithm = JWSAlgorithm(rawValue: algorithmName.uppercased()) else {
            throw UsageError("--alg must be RS256 or PS256, not '\(algorithmName)'", spec: spec)
        }
        let key = try loadPrivateKey(keyPath)
        let claims = try loadClaims(claimsArgument)
        let token = try LicenseSigner.sign(claims: claims, key: key, algorithm: algorithm, keyID: parsed.value("--kid"))
        LicenseTool.terminal.out(token)
        return .success
    }

    private static func loadPrivateKey(_ path: String) throws -> RSAPrivateKey {
        var bytes: [UInt8]
        do {
            bytes = try FileAccess.read(path, limit: 64 * 1024)
        } catch {
            throw SettingsError(setting: "--key", "cannot read the private key \(error)")
        }
        defer { SecretBytes.wipe(&bytes) }
        if let mode = try? FileAccess.permissions(path), mode & 0o077 != 0 {
            LicenseTool.terminal.warn("\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        do {
            return try RSAPrivateKey(pem: SecretBytes(copying: bytes))
        } catch let error as CryptoError {
            throw SettingsError(setting: "--key", "\(path): \(error.message)")
        }
    }

    private static func loadClaims(_ argument: String) throws -> [String: JSONValue] {
        let text: String
        if argument.trimmingPrefixWhitespace().hasPrefix("{") {
            text = argument
        } else {
            do {
                text = try FileAccess.readText(argument == "-" ? "/dev/stdin" : argument, limit: 64 * 1024)
            } catch {
                throw SettingsError(setting: "--claims", "cannot read \(error)")
            }
        }
        do {
            guard let object = try JSONParser.parse(Array(text.utf8)).objectValue else {
                throw SettingsError(setting: "--claims", "the claims must be a JSON object")
            }
            _ = try LicenseClaims(object)
            return object
        } catch let error as JSONParser.Failure {
            throw SettingsError(setting: "--claims", "not valid JSON: \(error.description)")
        } catch let error as LicenseError {
            throw SettingsError(setting: "--claims", error.message)
        }
    }
}

extension String {
    fileprivate func trimmingPrefixWhitespace() -> Substring {
        self.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
    }
}
