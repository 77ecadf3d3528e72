import Foundation
import LicenseBusCore
import LicenseBusLog
import LicenseBusTestSupport
import LicenseClient
import Testing

@Suite("No secret reaches a log line or an output", .timeLimit(.minutes(1)))
struct SecretTests {
    @Test("client logs and CLI output never contain the ring key, the NKey seeds or a URL's password")
    func noSecrets() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-s"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        let log = MemoryLogSink()
        let client = try makeClient(broker: broker, folder: folder, log: log)
        await client.start()
        let ringKey = String(try Fixtures.text("license-samples/distribution.ring").split(separator: ":")[1])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let password = "inst-pw-\(UInt32.random(in: 0...UInt32.max))"
        let environment = broker.environment(.instance).merging([
            "LICENSE_DISTRIBUTION_KEY": try Fixtures.text("license-samples/distribution.ring"),
            "LICENSE_VENDOR_PUBLIC_KEY": Fixtures.samples + "/keys/vendor-test.pem",
            "LICENSE_KEY_PATH": folder.path + "/cli/license.key",
            "LICENSE_AUDIENCE": "ai-agent-os", "LICENSE_WAIT_TIMEOUT": "3",
        ]) { $1 }
        var outputs: [String] = [log.text]
        for arguments in [["fetch", "--json"], ["status", "--bus"], ["status", "--json", "--bus"], ["fetch"]] {
            let result = try await ProcessRunner.runDetached(
                ProcessRunner.product("license-client"),
                arguments,
                environment: environment
            )
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            outputs += [result.stdout, result.stderr]
        }
        let badURL = try await ProcessRunner.runDetached(
            ProcessRunner.product("license-client"),
            ["status", "--bus"],
            environment: environment.merging(["NATS_URL": "nats://instance:\(password)@127.0.0.1:1"]) {
                $1
            }
        )
        outputs += [badURL.stdout, badURL.stderr]
        for output in outputs {
            #expect(!output.contains(ringKey))
            #expect(!output.contains(password))
            #expect(!output.contains(Broker.seed(.instance).seed))
            #expect(!output.contains(Broker.seed(.licenseServer).seed))
        }
        await client.stop()
        await server.stop()
    }
}
