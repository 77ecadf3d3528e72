internal import LicenseBusCore
internal import LicenseBusLog
internal import LicenseClient

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `license-client watch`.
enum WatchCommand {
    static let spec = CommandSpec(
        name: "license-client watch",
        usage: "[--config F]",
        help: """
            Runs a client as an instance would (key file, then the bus) and prints one line per state
            change: the time, the state, the reason code when community, and the license's jti.
            Stops with exit 0 on SIGINT.
            """,
        valueOptions: ["--config"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) async throws -> ExitStatus {
        guard let parsed = try LicenseClientTool.parse(arguments, spec) else { return .success }
        let logger = Logger(label: "license-client", sink: StandardErrorLogSink(), minimumLevel: .warning)
        let client = try LicenseClientTool.makeClient(parsed, environment, logger: logger)
        let printing = Task {
            for await status in client.changes() {
                var line = "\(UnixTime.iso8601(Int64(time(nil)))) \(status.state.name)"
                if let reason = status.state.reason { line += " reason=\(reason)" }
                line += " jti=\(status.license?.claims.licenseID ?? "-")"
                LicenseClientTool.terminal.out(line)
            }
        }
        await client.start()
        await TerminationSignals.wait()
        await client.stop()
        printing.cancel()
        return .success
    }
}
