import Foundation
import LicenseBusTestSupport
import Testing

@Suite("scripts/generate-keys.sh", .timeLimit(.minutes(1)))
struct GenerateKeysScriptTests {
    let script = Fixtures.repositoryRoot + "/scripts/generate-keys.sh"

    @Test("--all writes keys (private files 0600) and settings files; output names files, never the key")
    func all() throws {
        let folder = try TemporaryDirectory()
        let dir = folder.path + "/keys"
        let result = try ProcessRunner.run(script, [dir, "--all", "--bits", "2048"])
        #expect(result.status == 0, "\(result.stderr)")
        for (name, mode) in [("vendor-private.pem", 0o600), ("distribution.key", 0o600), ("vendor.pem", 0o644)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(name)")
        }
        let entry = try String(contentsOfFile: dir + "/distribution.key", encoding: .utf8)
        let key = try #require(entry.split(separator: ":").last).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!result.stdout.contains(key))
        #expect(result.stdout.contains("LICENSE_DISTRIBUTION_KEY_FILE=\(dir)/distribution.key"))
        let serverSettings = try String(contentsOfFile: dir + "/license-server.env", encoding: .utf8)
        #expect(serverSettings.contains("LICENSE_VENDOR_PUBLIC_KEY=\(dir)/vendor.pem"))

        // The made keys work with license-tool: sign with the private key, verify with the ring file.
        let signed = try licenseTool(["sign", "--key", dir + "/vendor-private.pem", "--claims", Sample.claims])
        #expect(signed.status == 0, "\(signed.stderr)")
        let license = try folder.write("license.jwt", signed.stdout)
        let verified = try licenseTool(["verify", "--config", dir + "/instance.env", license])
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test("existing files are never overwritten; bad usage exits 2")
    func refuses() throws {
        let folder = try TemporaryDirectory()
        #expect(try ProcessRunner.run(script, [folder.path + "/k", "--bits", "2048"]).status == 0)
        let again = try ProcessRunner.run(script, [folder.path + "/k", "--bits", "2048"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        #expect(try ProcessRunner.run(script, [folder.path + "/j", "--bits", "1024"]).status == 2)
        #expect(try ProcessRunner.run(script, ["--frobnicate"]).status == 2)
        #expect(try ProcessRunner.run(script, ["--help"]).status == 0)
    }
}
