#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `license-tool`: the vendor's tool (SPEC §8): keygen, distribution-key, sign, verify, inspect.
public enum LicenseTool {
    static let terminal = Terminal(program: "license-tool")

    static let commands:
        [(name: String, summary: String, run: @Sendable ([String], [String: String]) throws -> ExitStatus)] = [
            ("keygen", "make a vendor RSA key pair (private key 0600)", KeygenCommand.run),
            ("distribution-key", "print a new distribution key ring entry KID:KEY", DistributionKeyCommand.run),
            ("sign", "sign claims into a license file", SignCommand.run),
            ("verify", "verify a license file or envelope and print its claims", VerifyCommand.run),
            ("inspect", "decode a license or envelope without verifying it", InspectCommand.run),
            ("nkey", "make a NATS user NKey: seed to a 0600 file, public key printed", NKeyCommand.run),
        ]

    /// Runs the tool with the process's arguments and environment.
    /// - Parameters:
    ///   - arguments: The words after `license-tool`.
    ///   - environment: The process environment.
    /// - Returns: The exit status (0, 1 or 2).
    public static func main(arguments: [String], environment: [String: String]) -> ExitStatus {
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            terminal.out(self.help)
            return arguments.isEmpty ? .usage : .success
        }
        guard let command = self.commands.first(where: { $0.name == name }) else {
            terminal.report(UsageError("unknown command '\(name)'; run license-tool --help"))
            return .usage
        }
        do {
            return try command.run(Array(arguments.dropFirst()), environment)
        } catch {
            terminal.report(error)
            return ExitStatus.of(error)
        }
    }

    static var help: String {
        let width = self.commands.map(\.name.count).max() ?? 0
        let lines = self.commands.map {
            "  \($0.name)" + String(repeating: " ", count: width - $0.name.count + 2) + $0.summary
        }
        return
            (["usage: license-tool COMMAND [OPTIONS]", "", "commands:"] + lines
            + ["", "Run license-tool COMMAND --help for a command's options."]).joined(separator: "\n")
    }

    /// Parses a command's arguments, printing help when asked; nil means help was printed.
    static func parse(_ arguments: [String], _ spec: CommandSpec) throws -> CommandArguments? {
        try CommandArguments.parseOrHelp(arguments, spec: spec, terminal: terminal)
    }

    /// The current Unix time.
    static func now() -> Int64 {
        Int64(time(nil))
    }
}
