internal import LicenseBusCore
internal import LicenseBusJSON
internal import LicenseBusLog
internal import LicenseBusNATS
internal import LicenseClient

/// `license-client status [--json] [--bus]`.
enum StatusCommand {
    static let spec = CommandSpec(
        name: "license-client status",
        usage: "[--config F] [--json] [--bus]",
        help: """
            Shows what an instance on this host sees: the key file's path (and the rule that chose it),
            its permissions, the state and reason code, the license fields and time left. Reads only.
              --bus      also ask LICENSE_SUBJECT.get and compare the bus's license with the key file's
              --json     one JSON object: state, reason, license, key_file, source (and bus)
              --config   a KEY=VALUE settings file
            Exit: 0 enterprise or grace, 1 community, 2 bad usage or settings.
            """,
        valueOptions: ["--config"],
        flags: ["--json", "--bus"]
    )

    static func run(_ arguments: [String], _ environment: [String: String]) async throws -> ExitStatus {
        guard let parsed = try LicenseClientTool.parse(arguments, spec) else { return .success }
        let client = try LicenseClientTool.makeClient(parsed, environment, logger: .disabled)
        client.loadLocal(readOnly: true)
        let status = client.status
        var json = LicenseClientTool.statusJSON(status, client: client)
        var lines = LicenseClientTool.statusLines(status, client: client)
        if parsed.has("--bus") {
            let (busJSON, busLine) = await self.compareWithBus(client)
            json["bus"] = busJSON
            lines.append(busLine)
        }
        if parsed.has("--json") {
            LicenseClientTool.terminal.out(JSONWriter.compact(.object(json)))
        } else {
            lines.forEach(LicenseClientTool.terminal.out)
        }
        return LicenseClientTool.exitStatus(status)
    }

    /// Asks the bus once and judges its envelope against the license held, changing nothing.
    private static func compareWithBus(_ client: LicenseClient) async -> (JSONValue, String) {
        let configuration = client.configuration
        var nats = configuration.nats
        nats.retryOnFailedConnect = false
        nats.maxReconnectAttempts = 0
        let reply: NATSMessage
        do {
            let connection = try await NATSConnection.connect(nats)
            do {
                reply = try await connection.request(
                    [],
                    to: configuration.subject + ".get",
                    timeout: configuration.waitTimeout
                )
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
        } catch {
            let text = (error as? NATSError)?.message ?? "\(error)"
            return (
                .object(["outcome": .string("unreachable"), "error": .string(text)]),
                "  bus:        no answer (\(text))"
            )
        }
        do {
            switch try client.judge(reply.string) {
            case .repeated:
                return (.object(["outcome": .string("same")]), "  bus:        the same license as the key file")
            case .accepted(let license):
                let id = license.claims.licenseID
                return (
                    .object(["outcome": .string("newer"), "jti": .string(id)]),
                    "  bus:        a newer license \(id) (license-client fetch takes it)"
                )
            }
        } catch {
            return (
                .object(["outcome": .string(error.code.rawValue)]),
                "  bus:        its envelope is rejected [\(error.code)]: \(error.message)"
            )
        }
    }
}
