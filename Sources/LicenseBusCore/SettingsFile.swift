/// A settings file of `KEY=VALUE` lines (SPEC §7), given with `--config`.
///
/// Blank lines and lines starting with `#` are ignored; white space around keys and values is
/// trimmed; a value may be wrapped in one pair of single or double quotes; `export KEY=VALUE`
/// is accepted so the same file can be sourced by a shell.
public enum SettingsFile {
    /// Parses a settings file's text.
    /// - Parameters:
    ///   - text: The file's content.
    ///   - path: The file's path, for error messages.
    /// - Returns: The settings, by name.
    /// - Throws: ``SettingsError`` naming `--config` and the line for a line that is not `KEY=VALUE`,
    ///   a key with characters other than `A-Z 0-9 _`, or a key given twice.
    public static func parse(_ text: String, path: String) throws(SettingsError) -> [String: String] {
        var values: [String: String] = [:]
        // "\r\n" is one Character in Swift, so CRLF files need it named as a separator too.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, rawLine) in lines.enumerated() {
            var line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).trimmingASCIIWhitespace() }
            let location = "\(path):\(offset + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw SettingsError(setting: "--config", "\(location) is not a KEY=VALUE line")
            }
            let key = String(line[..<equals].trimmingASCIIWhitespace())
            guard !key.isEmpty, key.utf8.allSatisfy(isKeyByte) else {
                throw SettingsError(setting: "--config", "\(location) has an invalid key '\(key)'")
            }
            var value = line[line.index(after: equals)...].trimmingASCIIWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            guard values.updateValue(String(value), forKey: key) == nil else {
                throw SettingsError(setting: "--config", "\(location) sets \(key) a second time")
            }
        }
        return values
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_")
    }
}
