import Foundation

/// Paths of files the tests read, found from this source file's location.
public enum Fixtures {
    /// The repository's root folder.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `Tests/Fixtures`: published known-answer vectors.
    public static let vectors = repositoryRoot + "/Tests/Fixtures"

    /// `license-samples`: the sample keys, licenses and envelope.
    public static let samples = repositoryRoot + "/license-samples"

    /// The text of a file below the repository root.
    /// - Parameter relativePath: e.g. `license-samples/distribution.ring`.
    /// - Returns: The file's text.
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOfFile: repositoryRoot + "/" + relativePath, encoding: .utf8)
    }

    /// The text of a file at an absolute path.
    /// - Parameter path: The file's path.
    /// - Returns: Its text.
    public static func textAbsolute(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Bytes from hexadecimal text.
    /// - Parameter hex: An even number of hex digits.
    /// - Returns: The bytes.
    public static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0
        }
    }
}
