import LicenseBusSync

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each record as one line on standard error, with a UTC time stamp.
public struct StandardErrorLogSink: LogSink {
    /// Makes the sink.
    public init() {}

    /// Writes `time level label [code] message k=v`.
    public func write(_ record: LogRecord) {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let stamp = String(
            format4(Int(parts.tm_year) + 1900) + "-" + format2(Int(parts.tm_mon) + 1) + "-"
                + format2(Int(parts.tm_mday))
                + "T" + format2(Int(parts.tm_hour)) + ":" + format2(Int(parts.tm_min)) + ":"
                + format2(Int(parts.tm_sec))
                + "Z"
        )
        var line = stamp + " " + record.line + "\n"
        line.withUTF8 { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private func format4(_ value: Int) -> String {
        String(repeating: "0", count: max(0, 4 - String(value).count)) + "\(value)"
    }
}

/// Keeps records in memory, for tests.
public final class MemoryLogSink: LogSink {
    private let stored = Locked<[LogRecord]>([])

    /// Makes an empty sink.
    public init() {}

    /// Keeps the record.
    public func write(_ record: LogRecord) {
        self.stored.withLock { $0.append(record) }
    }

    /// Every record so far.
    public var records: [LogRecord] { self.stored.withLock { $0 } }

    /// Every record's line, joined by newlines.
    public var text: String { self.records.map(\.line).joined(separator: "\n") }
}
