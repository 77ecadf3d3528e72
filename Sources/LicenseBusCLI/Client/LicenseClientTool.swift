internal import LicenseBusCore
internal import LicenseBusJSON
internal import LicenseBusLog
internal import LicenseClient

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `license-client`: what an instance on this host sees (SPEC §8): status, fetch, watch.
public enum LicenseClientTool {
    static let terminal = Terminal(program: "license-client")

    static let commands: [(name: String, summary: String, spec: CommandSpec)] = [
        ("status", "the key file, its state and license fields (--bus: compare with the bus)", StatusCommand.spec),
        ("fetch", "ask the bus for the license, persist it if valid and fresher, print the state", FetchCommand.spec),
        ("watch", "run a client and print each state change, one line each", WatchCommand.spec),
    ]

    /// Runs the tool and exits the process.
    /// - Parameter arguments: The words after `license-client`.
    public static func main(arguments: [String]) async -> Never {
        guard let name = arguments.first, !["--help", "-h", "help"].contains(name) else {
            let lines = commands.map { "  \($0.name.padding(6))  \($0.summary)" }
            terminal.out(
                (["usage: license-client COMMAND [OPTIONS]", "", "commands:"] + lines).joined(separator: "\n")
            )
            exit(arguments.isEmpty ? ExitStatus.usage.rawValue : 0)
        }
        let rest = Array(arguments.dropFirst())
        let environment = ProcessEnvironment.current()
        do {
            let status: ExitStatus
            switch name {
            case "status": status = try await StatusCommand.run(rest, environment)
            case "fetch": status = try await FetchCommand.run(rest, environment)
            case "watch": status = try await WatchCommand.run(rest, environment)
            default: throw UsageError("unknown command '\(name)'; run license-client --help")
            }
            exit(status.rawValue)
        } catch {
            terminal.report(error)
            exit(ExitStatus.usage.rawValue)
        }
    }

    /// Parses a command's arguments, printing help when asked (nil then).
    static func parse(_ arguments: [String], _ spec: CommandSpec) throws -> CommandArguments? {
        try CommandArguments.parseOrHelp(arguments, spec: spec, terminal: terminal)
    }

    /// A client configured from the settings, trusting `LICENSE_VENDOR_PUBLIC_KEY` (the CLI only inspects).
    static func makeClient(
        _ parsed: CommandArguments,
        _ environment: [String: String],
        logger: Logger
    ) throws -> LicenseClient {
        let settings = try Settings.load(flags: [:], environment: environment, configPath: parsed.value("--config"))
        let configuration = try LicenseClientConfiguration.fromSettings(
            settings,
            trustedKeys: try settings.vendorKeys(),
            home: environment["HOME"],
            logger: logger
        )
        return LicenseClient(configuration: configuration)
    }

    /// The SPEC §8 fields: state, reason, license, key_file, source.
    static func statusJSON(_ status: LicenseStatus, client: LicenseClient) -> [String: JSONValue] {
        let location = client.configuration.keyFile
        let mode =
            (try? FileAccess.permissions(location.path)).map { JSONValue.string("0" + String($0, radix: 8)) } ?? .null
        let now = Int64(time(nil))
        return [
            "state": .string(status.state.name),
            "reason": status.state.reason.map { .string($0.rawValue) } ?? .null,
            "detail": status.detail.map(JSONValue.string) ?? .null,
            "license": status.license.map { LicenseReport($0.claims, now: now).licenseJSON } ?? .null,
            "key_file": .object(["path": .string(location.path), "rule": .string(location.rule.rawValue), "mode": mode]
            ),
            "source": .string(status.source.rawValue),
        ]
    }

    /// The same fields for people.
    static func statusLines(_ status: LicenseStatus, client: LicenseClient) -> [String] {
        let location = client.configuration.keyFile
        let mode = (try? FileAccess.permissions(location.path)).map { "0" + String($0, radix: 8) } ?? "absent"
        var rows: [(String, String)] = [
            ("state", status.state.name + (status.state.reason.map { " [\($0)]" } ?? ""))
        ]
        if let detail = status.detail { rows.append(("why", detail)) }
        rows += [
            ("key file", "\(location.path) (rule \(location.rule.rawValue), mode \(mode))"),
            ("source", status.source.rawValue),
        ]
        if case .grace(let endsAt) = status.state {
            rows.append(("grace ends", UnixTime.iso8601(endsAt)))
        }
        if let license = status.license {
            rows += LicenseReport(license.claims, now: Int64(time(nil))).fieldRows
        }
        return LicenseReport.aligned(rows)
    }

    /// 0 for enterprise or grace, 1 for community.
    static func exitStatus(_ status: LicenseStatus) -> ExitStatus {
        status.state.grants ? .success : .invalid
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - self.count))
    }
}
