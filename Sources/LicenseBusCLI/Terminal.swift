internal import LicenseBusCore
public import LicenseBusCrypto

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes command output: results to standard output, diagnostics to standard error.
///
/// Errors print as `TOOL: error [code]: message` then `hint: ...` (SPEC §8 style).
public struct Terminal: Sendable {
    /// The program's name, prefixed to diagnostics.
    public let program: String

    /// Makes a terminal for `program`.
    /// - Parameter program: e.g. `license-tool`.
    public init(program: String) {
        self.program = program
    }

    /// Writes a line to standard output.
    /// - Parameter line: The text, without newline.
    public func out(_ line: String) {
        Self.write(line + "\n", to: STDOUT_FILENO)
    }

    /// Writes a line to standard error.
    /// - Parameter line: The text, without newline.
    public func diagnostic(_ line: String) {
        Self.write(line + "\n", to: STDERR_FILENO)
    }

    /// Writes a warning to standard error: `TOOL: warning: message`.
    /// - Parameter message: The warning.
    public func warn(_ message: String) {
        self.diagnostic("\(self.program): warning: \(message)")
    }

    /// Reports an error on standard error with its code and hint.
    /// - Parameter error: The error.
    public func report(_ error: any Error) {
        switch error {
        case let error as LicenseError:
            self.diagnostic("\(self.program): error [\(error.code)]: \(error.message)")
            if let hint = error.hint { self.diagnostic("hint: \(hint)") }
        case let error as SettingsError:
            self.diagnostic("\(self.program): error [settings]: \(error.setting): \(error.message)")
            if let hint = error.hint { self.diagnostic("hint: \(hint)") }
        case let error as UsageError:
            self.diagnostic("\(self.program): error [usage]: \(error.message)")
            if let usage = error.usage { self.diagnostic(usage) }
        case let error as CryptoError:
            self.diagnostic("\(self.program): error [\(error.code)]: \(error.message)")
            if let underlying = error.underlying { self.diagnostic("detail: \(underlying)") }
        default:
            self.diagnostic("\(self.program): error: \(error)")
        }
    }

    /// Writes secret bytes to standard output, then a newline; no copy stays behind.
    /// - Parameter secret: The secret text, e.g. a new key-ring entry the user asked for.
    public func outSecret(_ secret: SecretBytes) {
        secret.withUnsafeBytes { Self.write($0, to: STDOUT_FILENO) }
        Self.write("\n", to: STDOUT_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var copy = text
        copy.withUTF8 { write(UnsafeRawBufferPointer($0), to: descriptor) }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
