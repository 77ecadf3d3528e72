import Foundation
import LicenseBusCore
import LicenseBusLog
import LicenseBusTestSupport
import LicenseClient
import Testing

@Suite("Key file (SPEC §4)", .timeLimit(.minutes(1)))
struct KeyFileTests {
    @Test("the path chain: LICENSE_KEY_PATH, else $HOME/.ai-agent-os/license.key, else ./license.key")
    func chain() {
        #expect(
            KeyFileLocation.resolve(keyPath: "/etc/x.key", home: "/root")
                == KeyFileLocation(path: "/etc/x.key", rule: .setting)
        )
        #expect(
            KeyFileLocation.resolve(keyPath: "", home: "/home/a")
                == KeyFileLocation(path: "/home/a/.ai-agent-os/license.key", rule: .home)
        )
        #expect(
            KeyFileLocation.resolve(keyPath: nil, home: "/home/a/")
                == KeyFileLocation(path: "/home/a/.ai-agent-os/license.key", rule: .home)
        )
        #expect(
            KeyFileLocation.resolve(keyPath: nil, home: nil)
                == KeyFileLocation(path: "./license.key", rule: .workingDirectory)
        )
    }

    @Test("written 0600 whatever the umask, in a 0700 folder made for the home rule")
    func modes() throws {
        let home = try TemporaryDirectory()
        let keyFile = LicenseKeyFile(location: .resolve(keyPath: nil, home: home.path))
        let previous = umask(0)
        defer { umask(previous) }
        try keyFile.write("envelope-text")
        #expect(try FileAccess.permissions(keyFile.location.path) == 0o600)
        #expect(try FileAccess.permissions(home.path + "/.ai-agent-os") == 0o700)
        #expect(try FileAccess.readText(keyFile.location.path) == "envelope-text\n")
    }

    @Test("a symlink at the path is refused: nothing is written through it")
    func symlinkRefused() throws {
        let folder = try TemporaryDirectory()
        let target = try folder.write("target", "precious\n")
        let link = folder.path + "/license.key"
        #expect(symlink(target, link) == 0)
        let keyFile = LicenseKeyFile(location: KeyFileLocation(path: link, rule: .setting))
        let error = #expect(throws: FileAccessError.self) { try keyFile.write("attack") }
        #expect(error?.reason.contains("symbolic link") == true)
        #expect(try FileAccess.readText(target) == "precious\n")
        let readError = #expect(throws: LicenseError.self) { try keyFile.read(tighten: true) }
        #expect(readError?.code == .cacheInvalid)
    }

    @Test("looser permissions are tightened to 0600 on read, with a warning")
    func tightened() async throws {
        let folder = try TemporaryDirectory()
        let log = MemoryLogSink()
        let client = try makeClient(broker: nil, folder: folder, waitTimeout: .milliseconds(50), log: log)
        let path = client.configuration.keyFile.path
        try FileAccess.createFolders(client.configuration.keyFile.folder, mode: 0o700)
        try LicenseKeyFile(location: client.configuration.keyFile).write(
            try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-loose"))
        )
        try FileAccess.setPermissions(path, 0o644)
        client.loadLocal(readOnly: false)
        #expect(client.status.state == .enterprise)
        #expect(try FileAccess.permissions(path) == 0o600)
        #expect(log.text.contains("tightened to 0600"))
    }

    @Test("a truncated or corrupt file is cache_invalid: logged, treated as absent, kept until a valid one replaces it")
    func corrupt() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let envelope = try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-c"))
        for corrupt in [String(envelope.prefix(envelope.count / 2)), "\u{0}\u{1}garbage", " "] {
            let instanceFolder = try TemporaryDirectory()
            let log = MemoryLogSink()
            let client = try makeClient(
                broker: broker,
                folder: instanceFolder,
                waitTimeout: .milliseconds(300),
                log: log
            )
            let path = client.configuration.keyFile.path
            try FileAccess.createFolders(client.configuration.keyFile.folder, mode: 0o700)
            try FileAccess.replaceAtomically(path, with: Array(corrupt.utf8), mode: 0o600)
            await client.start()
            #expect(client.status.state == .community(reason: .cacheInvalid))
            #expect(log.text.contains("[cache_invalid]") || log.text.contains("[malformed]"))
            #expect(FileAccess.exists(path))
            let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-c"))
            let server = try RunningServer(broker: broker, licenseFile: licenseFile)
            #expect(await eventually { client.status.state == .enterprise })
            #expect(await eventually { (try? FileAccess.readText(path))?.hasPrefix("ey") == true })
            await client.stop()
            await server.stop()
        }
    }

    @Test(
        "a key file that cannot be written: the license from the bus still grants, the error names the path, nothing is written",
        arguments: [KeyFileObstacle.symlinkAtPath, .fileForFolder]
    )
    func unwritable(obstacle: KeyFileObstacle) async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let log = MemoryLogSink()
        let client = try makeClient(broker: broker, folder: folder, waitTimeout: .milliseconds(300), log: log)
        let path = client.configuration.keyFile.path
        let precious = try obstacle.place(at: path, in: folder)
        let licenseFile = try folder.write("license.jwt", try LicenseFactory.token(jti: "lic-unwritable"))
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        await client.start()
        // What stands at the path is not a key file: reported at start, never written over.
        #expect(log.records.contains { $0.code == LicenseError.Code.cacheInvalid.rawValue && $0.line.contains(path) })
        #expect(client.status.state == .enterprise)
        #expect(client.status.license?.claims.licenseID == "lic-unwritable")
        let failure = try #require(log.records.first { $0.message.hasPrefix("cannot write the key file") })
        #expect(failure.level == .error)
        #expect(failure.line.hasSuffix("path=\(path)"))
        #expect(failure.message.contains(obstacle.reason), "\(failure.message)")
        #expect(try FileAccess.readText(precious.path) == precious.text)
        #expect(obstacle.isInPlace(at: path))
        await client.stop()
        await server.stop()
    }

    @Test("writers killed at random points never leave a torn key file; their temporary files are cleaned up")
    func killedWriters() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/license.key"
        let envelopes = try (0..<2).map { try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-\($0)")) }
        try LicenseKeyFile(location: KeyFileLocation(path: path, rule: .setting)).write(envelopes[0])
        for round in 0..<40 {
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: ProcessRunner.product("key-file-writer"))
            writer.arguments = [path] + envelopes
            try writer.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...15)))
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
            let text = try FileAccess.readText(path)
            #expect(envelopes.map { $0 + "\n" }.contains(text), "round \(round): torn file")
        }
        // The next write removes what killed writers left, and keeps a running writer's file.
        let running = try folder.write(".license-tmp-\(getpid())-inflight", "partial")
        try LicenseKeyFile(location: KeyFileLocation(path: path, rule: .setting)).write(envelopes[1])
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasPrefix(".license-tmp-")
        }
        #expect(left == [".license-tmp-\(getpid())-inflight"])
        #expect(FileAccess.exists(running))
    }

    @Test("two processes writing the same key file at once leave a valid one")
    func concurrentWriters() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/license.key"
        let envelopes = try (0..<2).map { try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-\($0)")) }
        let writers = try (0..<2).map { index -> Process in
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: ProcessRunner.product("key-file-writer"))
            writer.arguments = [path, envelopes[index]]
            try writer.run()
            return writer
        }
        try await Task.sleep(for: .milliseconds(300))
        writers.forEach { kill($0.processIdentifier, SIGKILL) }
        writers.forEach { $0.waitUntilExit() }
        let text = try FileAccess.readText(path)
        #expect(envelopes.map { $0 + "\n" }.contains(text))
        #expect(try FileAccess.permissions(path) == 0o600)
    }
}

/// What stands where a key file is to be written, so that no write can succeed even as root.
enum KeyFileObstacle: CustomStringConvertible {
    /// A symbolic link at the key file's path, to a file of its own (SPEC §4 refuses writing through it).
    case symlinkAtPath
    /// A regular file where the key file's folder should be.
    case fileForFolder

    var description: String {
        switch self {
        case .symlinkAtPath: "a symbolic link at the path"
        case .fileForFolder: "a file where the folder should be"
        }
    }

    /// What the error of a write says.
    var reason: String {
        switch self {
        case .symlinkAtPath: "is a symbolic link"
        case .fileForFolder: "/keys: is not a folder"
        }
    }

    /// Puts the obstacle in place for a key file at `path`; returns the file that must stay as it is.
    func place(at path: String, in folder: TemporaryDirectory) throws -> (path: String, text: String) {
        let keyFolder = (path as NSString).deletingLastPathComponent
        switch self {
        case .symlinkAtPath:
            let target = try folder.write("precious", "precious\n")
            try FileAccess.createFolders(keyFolder, mode: 0o700)
            guard symlink(target, path) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            return (target, "precious\n")
        case .fileForFolder:
            try FileAccess.replaceAtomically(keyFolder, with: Array("not a folder\n".utf8), mode: 0o600)
            return (keyFolder, "not a folder\n")
        }
    }

    /// Whether the obstacle is still there, untouched in kind.
    func isInPlace(at path: String) -> Bool {
        var info = stat()
        switch self {
        case .symlinkAtPath:
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
        case .fileForFolder:
            return lstat((path as NSString).deletingLastPathComponent, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }
    }
}
