/// What a command accepts: options taking a value, boolean flags, and how many positionals.
public struct CommandSpec: Sendable {
    /// The command's name as typed, e.g. `license-tool sign`.
    public let name: String
    /// One-line usage, e.g. `--key PEM --claims JSON [--alg PS256] [--kid ID]`.
    public let usage: String
    /// What the command does and what each option means, for `--help`.
    public let help: String
    /// Options that take a value (`--key PEM` or `--key=PEM`); they may repeat.
    public let valueOptions: Set<String>
    /// Options that take no value (`--json`).
    public let flags: Set<String>
    /// How many positional arguments are accepted.
    public let positionals: ClosedRange<Int>

    /// Makes a command description.
    /// - Parameters:
    ///   - name: The command as typed.
    ///   - usage: One-line usage after the name.
    ///   - help: The help text.
    ///   - valueOptions: Options with a value.
    ///   - flags: Options without a value.
    ///   - positionals: The accepted count of positionals.
    public init(
        name: String,
        usage: String,
        help: String,
        valueOptions: Set<String> = [],
        flags: Set<String> = [],
        positionals: ClosedRange<Int> = 0...0
    ) {
        self.name = name
        self.usage = usage
        self.help = help
        self.valueOptions = valueOptions
        self.flags = flags
        self.positionals = positionals
    }

    /// `usage: NAME USAGE`.
    public var usageLine: String { "usage: \(self.name) \(self.usage)" }
}

/// Parsed command-line arguments.
public struct CommandArguments: Sendable {
    /// Values of value options, in order given, by option name (with dashes).
    public private(set) var values: [String: [String]] = [:]
    /// The boolean flags given.
    public private(set) var flags: Set<String> = []
    /// The positional arguments.
    public private(set) var positionals: [String] = []
    /// Whether `--help` or `-h` was given.
    public private(set) var wantsHelp = false

    /// Parses `arguments` against `spec`.
    /// - Parameters:
    ///   - arguments: The words after the command name.
    ///   - spec: What the command accepts.
    /// - Throws: ``UsageError`` for an unknown option, a missing value, or a wrong number of positionals.
    public init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if onlyPositionals || !word.hasPrefix("-") || word == "-" {
                self.positionals.append(word)
                continue
            }
            if word == "--" {
                onlyPositionals = true
                continue
            }
            if word == "--help" || word == "-h" {
                self.wantsHelp = true
                continue
            }
            let name: String
            var inlineValue: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            } else {
                name = word
            }
            if spec.flags.contains(name), inlineValue == nil {
                self.flags.insert(name)
            } else if spec.valueOptions.contains(name) {
                if inlineValue == nil {
                    guard index < arguments.count else { throw UsageError("\(name) needs a value", spec: spec) }
                    inlineValue = arguments[index]
                    index += 1
                }
                self.values[name, default: []].append(inlineValue ?? "")
            } else {
                throw UsageError("unknown option '\(name)'", spec: spec)
            }
        }
        if !self.wantsHelp && !spec.positionals.contains(self.positionals.count) {
            throw UsageError("expected \(describe(spec.positionals)), got \(self.positionals.count)", spec: spec)
        }
    }

    /// The last value of an option, if given.
    /// - Parameter option: The option's name, e.g. `--kid`.
    /// - Returns: Its value.
    public func value(_ option: String) -> String? {
        self.values[option]?.last
    }

    /// Whether a flag was given.
    /// - Parameter flag: The flag's name, e.g. `--json`.
    /// - Returns: Whether it was given.
    public func has(_ flag: String) -> Bool {
        self.flags.contains(flag)
    }
}

private func describe(_ range: ClosedRange<Int>) -> String {
    if range.lowerBound == range.upperBound {
        return range.lowerBound == 1 ? "1 argument" : "\(range.lowerBound) arguments"
    }
    return "\(range.lowerBound) to \(range.upperBound) arguments"
}

extension CommandArguments {
    /// Parses `arguments`; when `--help` was given prints the help on `terminal` and returns nil.
    /// - Parameters:
    ///   - arguments: The words after the command name.
    ///   - spec: What the command accepts.
    ///   - terminal: Where help goes.
    /// - Returns: The arguments, or nil after printing help.
    /// - Throws: ``UsageError``.
    static func parseOrHelp(
        _ arguments: [String],
        spec: CommandSpec,
        terminal: Terminal
    ) throws(UsageError) -> CommandArguments? {
        let parsed = try CommandArguments(arguments, spec: spec)
        if parsed.wantsHelp {
            terminal.out(spec.usageLine + "\n\n" + spec.help)
            return nil
        }
        return parsed
    }
}

/// A command was called wrongly: exit status 2, with the usage line.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// The usage line of the command, if known.
    public let usage: String?

    /// Makes a usage error.
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - spec: The command, for its usage line.
    public init(_ message: String, spec: CommandSpec? = nil) {
        self.message = message
        self.usage = spec?.usageLine
    }

    /// The message.
    public var description: String { self.message }
}
