/// Where an instance keeps its license envelope (SPEC §4), and which rule chose the place.
public struct KeyFileLocation: Sendable, Equatable {
    /// The rule of the SPEC §4 path chain that chose the path.
    public enum Rule: String, Sendable {
        /// `LICENSE_KEY_PATH` was set.
        case setting = "LICENSE_KEY_PATH"
        /// `$HOME/.ai-agent-os/license.key`.
        case home = "HOME"
        /// `./license.key`.
        case workingDirectory = "working_directory"
    }

    /// The key file's path.
    public let path: String
    /// The rule that chose it.
    public let rule: Rule

    /// A location chosen by the caller.
    /// - Parameters:
    ///   - path: The path.
    ///   - rule: The rule it stands for.
    public init(path: String, rule: Rule) {
        self.path = path
        self.rule = rule
    }

    /// The first rule that applies: `LICENSE_KEY_PATH` when set and not empty, else
    /// `$HOME/.ai-agent-os/license.key` when `HOME` is set, else `./license.key`.
    /// - Parameters:
    ///   - keyPath: The `LICENSE_KEY_PATH` setting.
    ///   - home: The `HOME` environment variable.
    /// - Returns: The location.
    public static func resolve(keyPath: String?, home: String?) -> KeyFileLocation {
        if let keyPath, !keyPath.isEmpty { return KeyFileLocation(path: keyPath, rule: .setting) }
        if let home, !home.isEmpty {
            let base = home.hasSuffix("/") ? String(home.dropLast()) : home
            return KeyFileLocation(path: base + "/.ai-agent-os/license.key", rule: .home)
        }
        return KeyFileLocation(path: "./license.key", rule: .workingDirectory)
    }

    /// The folder holding the key file.
    public var folder: String {
        guard let slash = self.path.lastIndex(of: "/") else { return "." }
        return slash == self.path.startIndex ? "/" : String(self.path[..<slash])
    }

    /// The clock-memory file beside the key file (SPEC §5: the latest time seen).
    public var clockPath: String { self.path + ".seen" }
}
