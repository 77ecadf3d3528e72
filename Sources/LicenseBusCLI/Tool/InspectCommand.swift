internal import LicenseBusCore
internal import LicenseBusJSON

/// `license-tool inspect [--json] FILE`.
enum InspectCommand {
    static let spec = CommandSpec(
        name: "license-tool inspect",
        usage: "[--config F] [--json] FILE",
        help: """
            Decodes a license or an envelope WITHOUT verifying its signature, and says so.
            An envelope's license is shown too when LICENSE_DISTRIBUTION_KEY can open it.
              --config F  a KEY=VALUE settings file
              --json      one JSON object: verified (always false), kind, header, payload
              FILE        the license or envelope, or - for standard input
            """,
        valueOptions: ["--config"],
        flags: ["--json"],
        positionals: 1...1
    )

    /// Exit 0 when decoded, 2 otherwise (SPEC §8: inspect judges nothing, so there is no "invalid").
    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        do {
            return try self.inspect(arguments, environment)
        } catch let error as LicenseError {
            LicenseTool.terminal.report(error)
            return .usage
        }
    }

    private static func inspect(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        guard let parsed = try LicenseTool.parse(arguments, spec) else { return .success }
        let settings = try Settings.load(flags: [:], environment: environment, configPath: parsed.value("--config"))
        let text = try VerifyCommand.readToken(parsed.positionals[0])
        var fields: [String: JSONValue] = ["verified": .bool(false)]
        var lines = ["NOT VERIFIED: decoded only; run license-tool verify to check the signature"]
        switch try UnverifiedToken.decode(text) {
        case .license(let header, let payload):
            fields["kind"] = .string("license")
            fields["header"] = .object(header)
            fields["payload"] = payload
            lines += ["kind: license (JWS)", "header: " + JSONWriter.compact(.object(header)), "payload:"]
            lines.append(JSONWriter.pretty(payload))
        case .envelope(let header):
            fields["kind"] = .string("envelope")
            fields["header"] = .object(header)
            lines += ["kind: envelope (JWE)", "header: " + JSONWriter.compact(.object(header))]
            if let ring = try? settings.distributionKeyRing() {
                let license = try LicenseEnvelope.open(text, ring: ring)
                if case .license(let innerHeader, let payload) = try UnverifiedToken.decode(license) {
                    fields["license"] = .object(["header": .object(innerHeader), "payload": payload])
                    lines += ["license header: " + JSONWriter.compact(.object(innerHeader)), "license payload:"]
                    lines.append(JSONWriter.pretty(payload))
                }
            } else {
                lines.append("content: encrypted (set LICENSE_DISTRIBUTION_KEY to see the license inside)")
            }
        }
        if parsed.has("--json") {
            LicenseTool.terminal.out(JSONWriter.compact(.object(fields)))
        } else {
            lines.forEach(LicenseTool.terminal.out)
        }
        return .success
    }
}
