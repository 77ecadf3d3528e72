internal import LicenseBusCore
internal import LicenseBusJSON

/// `license-tool verify [--key PEM]... [--json] FILE`.
enum VerifyCommand {
    static let spec = CommandSpec(
        name: "license-tool verify",
        usage: "[--key PEM]... [--audience ID] [--issuer ISS] [--config F] [--json] FILE",
        help: """
            Verifies a license file (or an envelope, opened with LICENSE_DISTRIBUTION_KEY) and prints
            its claims. Exit 0 valid, 1 invalid (the reason code is printed), 2 usage or settings.
              --key PEM       a trusted vendor public key, path or ID=path; repeat or comma-separate for
                              several (default: LICENSE_VENDOR_PUBLIC_KEY)
              --audience ID   require this audience (default: LICENSE_AUDIENCE)
              --issuer ISS    require this issuer (default: LICENSE_ISSUER)
              --config F      a KEY=VALUE settings file
              --json          one JSON object: valid, state, reason, message, license, header, key_id
              FILE            the license or envelope, or - for standard input
            """,
        valueOptions: ["--key", "--audience", "--issuer", "--config"],
        flags: ["--json"],
        positionals: 1...1
    )

    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ExitStatus {
        guard let parsed = try LicenseTool.parse(arguments, spec) else { return .success }
        var flags: [String: String] = [:]
        flags[SettingsName.vendorPublicKey] = parsed.values["--key"]?.joined(separator: ",")
        flags[SettingsName.audience] = parsed.value("--audience")
        flags[SettingsName.issuer] = parsed.value("--issuer")
        let settings = try Settings.load(flags: flags, environment: environment, configPath: parsed.value("--config"))
        let verifier = LicenseVerifier(
            trustedKeys: try settings.vendorKeys(),
            issuer: settings.value(SettingsName.issuer),
            audience: settings.value(SettingsName.audience)
        )
        let text = try readToken(parsed.positionals[0])
        let json = parsed.has("--json")
        do {
            var token = text
            if text.utf8.lazy.filter({ $0 == UInt8(ascii: ".") }).count == 4 {
                token = try LicenseEnvelope.open(text, ring: try settings.distributionKeyRing())
            }
            let license = try verifier.verifyIgnoringTime(token)
            let report = LicenseReport(license.claims, now: LicenseTool.now())
            if let reason = report.reason {
                let error = LicenseError(reason, "the license is \(reason == .expired ? "expired" : "not yet valid")")
                printInvalid(error, report: report, json: json)
                return .invalid
            }
            printValid(license, report: report, json: json)
            return .success
        } catch let error as LicenseError {
            printInvalid(error, report: nil, json: json)
            return .invalid
        }
    }

    static func readToken(_ path: String) throws -> String {
        do {
            return try FileAccess.readText(path == "-" ? "/dev/stdin" : path, limit: 1 << 20)
        } catch {
            throw SettingsError(setting: "FILE", "cannot read \(error)")
        }
    }

    private static func printValid(_ license: VerifiedLicense, report: LicenseReport, json: Bool) {
        let terminal = LicenseTool.terminal
        if json {
            terminal.out(
                JSONWriter.compact(
                    .object([
                        "valid": .bool(true), "state": .string(report.state), "reason": .null, "message": .null,
                        "license": report.licenseJSON, "header": .object(license.header),
                        "key_id": .string(license.verifiedKeyID),
                    ])
                )
            )
            return
        }
        terminal.out("valid license (\(license.algorithm.rawValue), vendor key '\(license.verifiedKeyID)')")
        report.humanLines.forEach(terminal.out)
        terminal.out("claims:")
        terminal.out(JSONWriter.pretty(.object(license.claims.all)))
    }

    private static func printInvalid(_ error: LicenseError, report: LicenseReport?, json: Bool) {
        let terminal = LicenseTool.terminal
        if json {
            terminal.out(
                JSONWriter.compact(
                    .object([
                        "valid": .bool(false), "state": .string("community"), "reason": .string(error.code.rawValue),
                        "message": .string(error.message), "license": report?.licenseJSON ?? .null,
                    ])
                )
            )
            return
        }
        terminal.out("invalid license [\(error.code)]: \(error.message)")
        if let hint = error.hint { terminal.out("hint: \(hint)") }
        report?.humanLines.forEach(terminal.out)
    }
}
