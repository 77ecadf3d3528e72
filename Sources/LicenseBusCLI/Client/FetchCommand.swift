internal import LicenseBusCore
internal import LicenseBusJSON
internal import LicenseBusLog
internal import LicenseClient

/// `license-client fetch [--json]`.
enum FetchCommand {
    static let spec = CommandSpec(
        name: "license-client fetch",
        usage: "[--config F] [--json]",
        help: """
            Asks the bus for the license (even when the key file is valid), waits up to LICENSE_WAIT_TIMEOUT
            for the first envelope that is accepted or repeats the license held, persists it if valid and
            fresher, and prints the state. --json adds "received": one entry per envelope heard
            (accepted, repeat, or the reason code it was rejected with).
            Exit: 0 enterprise or grace, 1 community, 2 bad usage or settings.
            """,
        valueOptions: ["--config"],
        flags: ["--json"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) async throws -> ExitStatus {
        guard let parsed = try LicenseClientTool.parse(arguments, spec) else { return .success }
        let logger = Logger(label: "license-client", sink: StandardErrorLogSink(), minimumLevel: .warning)
        let client = try LicenseClientTool.makeClient(parsed, environment, logger: logger)
        client.loadLocal(readOnly: false)
        let received = await client.fetch(timeout: client.configuration.waitTimeout)
        let status = client.status
        await client.stop()
        if parsed.has("--json") {
            var json = LicenseClientTool.statusJSON(status, client: client)
            json["received"] = .array(received.map { .string($0) })
            LicenseClientTool.terminal.out(JSONWriter.compact(.object(json)))
        } else {
            LicenseClientTool.terminal.out(
                "received: " + (received.isEmpty ? "nothing" : received.joined(separator: ", "))
            )
            LicenseClientTool.statusLines(status, client: client).forEach(LicenseClientTool.terminal.out)
        }
        return LicenseClientTool.exitStatus(status)
    }
}
