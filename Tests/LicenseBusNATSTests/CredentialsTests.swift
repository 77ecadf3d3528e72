import Foundation
import LicenseBusNATS
import LicenseBusTestSupport
import Testing

@Suite("Credentials files: JWT auth in operator mode", .timeLimit(.minutes(1)))
struct CredentialsTests {
    /// An operator-mode server and a user .creds file made by Tests/Fixtures/make-operator-mode.py.
    private func setUp(_ mode: String) throws -> (NATSServerProcess, UserCredentials, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        let made = try ProcessRunner.run("python3", [Fixtures.vectors + "/make-operator-mode.py", folder.path, mode])
        guard made.status == 0 else { throw NATSError(.invalidConfiguration, made.stderr) }
        let server = try NATSServerProcess(configuration: try Fixtures.textAbsolute(folder.path + "/server.conf"))
        let credentials = try UserCredentials(parsing: try Fixtures.textAbsolute(folder.path + "/user.creds"))
        return (server, credentials, folder)
    }

    @Test("a server in operator mode accepts our .creds: the user JWT and the signed nonce")
    func accepted() async throws {
        let (server, credentials, _) = try self.setUp("ok")
        #expect(credentials.jwt.split(separator: ".").count == 3)
        #expect(!"\(credentials)".contains(credentials.jwt))
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.credentials = credentials }
        )
        let subscription = try connection.subscribe(to: "creds.ok")
        try connection.publish(Array("hello".utf8), to: "creds.ok")
        #expect(await subscription.collect(1).first?.string == "hello")
        await connection.close()
    }

    @Test("an expired or a revoked user JWT is refused with an authorization error", arguments: ["expired", "revoked"])
    func refused(mode: String) async throws {
        let (server, credentials, _) = try self.setUp(mode)
        let error = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(try testConfiguration(server.url) { $0.credentials = credentials })
        }
        #expect(
            error?.code == .authorizationViolation || error?.code == .authenticationExpired,
            "\(String(describing: error))"
        )
    }

    @Test("a credentials file without a JWT or a seed block is refused")
    func malformed() throws {
        #expect(throws: NATSError.self) {
            try UserCredentials(parsing: "-----BEGIN USER NKEY SEED-----\nSUAAA\n------END USER NKEY SEED------\n")
        }
        #expect(throws: NATSError.self) {
            try UserCredentials(parsing: "-----BEGIN NATS USER JWT-----\na.b.c\n------END NATS USER JWT------\n")
        }
    }
}
