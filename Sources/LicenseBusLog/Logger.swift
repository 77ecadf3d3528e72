/// How important a log record is.
public enum LogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    /// Fine detail for developers.
    case debug
    /// Normal events: connected, license accepted.
    case info
    /// Something an operator should look at: a rejected envelope, an expiring license.
    case warning
    /// Something failed.
    case error

    /// Orders levels by importance.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The level's name.
    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// One log record.
public struct LogRecord: Sendable {
    /// Its level.
    public let level: LogLevel
    /// Who logged it, e.g. `license-server`.
    public let label: String
    /// What happened, one sentence; never a secret.
    public let message: String
    /// A stable reason code (a SPEC §5 code), if any.
    public let code: String?
    /// Extra `key=value` fields, in order.
    public let fields: [(String, String)]

    /// `level label [code] message k=v ...`.
    public var line: String {
        var text = "\(self.level) \(self.label)"
        if let code = self.code { text += " [\(code)]" }
        text += " " + self.message
        for (key, value) in self.fields { text += " \(key)=\(value)" }
        return text
    }
}

/// Where log records go.
public protocol LogSink: Sendable {
    /// Writes one record.
    /// - Parameter record: The record.
    func write(_ record: LogRecord)
}

/// A cheap value that libraries take in their configuration: no globals, no bootstrap.
public struct Logger: Sendable {
    /// The label put on every record.
    public let label: String
    /// The least important level written.
    public let minimumLevel: LogLevel
    private let sink: (any LogSink)?

    /// Makes a logger.
    /// - Parameters:
    ///   - label: Who logs.
    ///   - sink: Where records go.
    ///   - minimumLevel: Records below this level are not built at all.
    public init(label: String, sink: any LogSink, minimumLevel: LogLevel = .info) {
        self.label = label
        self.sink = sink
        self.minimumLevel = minimumLevel
    }

    private init() {
        self.label = ""
        self.sink = nil
        self.minimumLevel = .error
    }

    /// A logger that writes nothing.
    public static let disabled = Logger()

    /// Logs a record; the message and fields are only built when the level is enabled.
    /// - Parameters:
    ///   - level: The level.
    ///   - message: What happened.
    ///   - code: A stable reason code, or nil.
    ///   - fields: Extra `key=value` pairs.
    public func log(
        _ level: LogLevel,
        _ message: @autoclosure () -> String,
        code: String? = nil,
        fields: @autoclosure () -> [(String, String)] = []
    ) {
        guard let sink = self.sink, level >= self.minimumLevel else { return }
        sink.write(LogRecord(level: level, label: self.label, message: message(), code: code, fields: fields()))
    }
}
