import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    /// The exit status.
    public let status: Int32
    /// Everything it wrote to standard output.
    public let stdout: String
    /// Everything it wrote to standard error.
    public let stderr: String
}

/// Runs programs for tests: the package's own executables, `openssl`, `python3`.
public enum ProcessRunner {
    /// The folder holding the built products (next to the running test binary).
    public static let productsFolder: String = {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On macOS the test binary sits inside a .xctest bundle.
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The path of a built executable product, e.g. `license-tool`.
    /// - Parameter name: The product's name.
    /// - Returns: Its path.
    public static func product(_ name: String) -> String {
        productsFolder + "/" + name
    }

    /// Runs a program to completion.
    /// - Parameters:
    ///   - executable: A path, or a name looked up on `PATH`.
    ///   - arguments: The arguments.
    ///   - environment: Extra variables over a minimal environment (PATH, HOME, LANG).
    ///   - input: Bytes for standard input.
    /// - Returns: The status and output.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        input: String? = nil
    ) throws -> ProcessResult {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let inherited = ProcessInfo.processInfo.environment
        var base: [String: String] = ["LANG": "C.UTF-8"]
        for name in ["PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"] { base[name] = inherited[name] }
        process.environment = base.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes concurrently so neither can fill and block the child.
        let errorData = Locked(Data())
        let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.value, as: UTF8.self)
        )
    }
}

/// A value set once from another thread.
private final class Locked: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data
    private var wasSet = false

    init(_ value: Data) { self.stored = value }

    func set(_ value: Data) {
        self.lock.withLock {
            self.stored = value
            self.wasSet = true
        }
    }

    var isSet: Bool { self.lock.withLock { self.wasSet } }
    var value: Data { self.lock.withLock { self.stored } }
}

extension ProcessRunner {
    /// Runs a program on its own thread, so the awaiting task's thread stays free.
    public static func runDetached(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        input: String? = nil
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try run(executable, arguments, environment: environment, input: input) }
                )
            }
        }
    }
}
