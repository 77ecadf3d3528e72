internal import LicenseBusCore
internal import LicenseBusLog
internal import LicenseBusServer

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `license-server [--config F]`: exit 0 after a clean stop, 2 for bad settings or no valid license.
public enum LicenseServerCommand {
    static let spec = CommandSpec(
        name: "license-server",
        usage: "[--config F]",
        help: """
            Verifies LICENSE_FILE, then publishes its envelope on LICENSE_SUBJECT (license.key) at start,
            every LICENSE_PUBLISH_INTERVAL seconds (300) and soon after the file's content changes, and
            answers LICENSE_SUBJECT.get in queue group license-server. Stops on SIGINT/SIGTERM.
            Settings (environment, or a KEY=VALUE file with --config; the environment wins):
              NATS_URL, NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED_FILE, NATS_CREDS,
              NATS_CA, NATS_CERT, NATS_KEY, NATS_TLS_FIRST, LICENSE_FILE, LICENSE_VENDOR_PUBLIC_KEY,
              LICENSE_DISTRIBUTION_KEY or LICENSE_DISTRIBUTION_KEY_FILE, LICENSE_SUBJECT,
              LICENSE_PUBLISH_INTERVAL, LICENSE_AUDIENCE, LICENSE_ISSUER
            """,
        valueOptions: ["--config"]
    )

    /// Runs the server and exits the process.
    /// - Parameter arguments: The words after `license-server`.
    public static func main(arguments: [String]) async -> Never {
        let terminal = Terminal(program: "license-server")
        let logger = Logger(label: "license-server", sink: StandardErrorLogSink())
        let server: LicenseServer
        do {
            let parsed = try CommandArguments(arguments, spec: spec)
            if parsed.wantsHelp {
                terminal.out(spec.usageLine + "\n\n" + spec.help)
                exit(0)
            }
            let settings = try Settings.load(
                flags: [:],
                environment: ProcessEnvironment.current(),
                configPath: parsed.value("--config")
            )
            server = try LicenseServer(
                configuration: try LicenseServerConfiguration.fromSettings(settings, logger: logger)
            )
        } catch {
            terminal.report(error)
            exit(ExitStatus.usage.rawValue)
        }
        let status = await withTaskGroup(of: Int32?.self) { group -> Int32 in
            group.addTask {
                do {
                    try await server.run()
                    return 0
                } catch {
                    terminal.report(error)
                    return ExitStatus.usage.rawValue
                }
            }
            group.addTask {
                await TerminationSignals.wait()
                return nil
            }
            let first = await group.next() ?? 0
            group.cancelAll()
            if first == nil {
                logger.log(.info, "stopping: draining the NATS connection")
                return await group.next().flatMap { $0 } ?? 0
            }
            return first ?? 0
        }
        exit(status)
    }
}
