#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental parser of what the server sends (the NATS client protocol).
///
/// Bytes may arrive split anywhere; the parser keeps a partial control line or payload
/// between calls. Payloads are read by their declared length, so they may hold `\r\n`.
/// Control lines longer than ``maximumControlLineLength`` and payloads larger than
/// ``maximumPayloadLength`` are protocol errors, so a hostile peer cannot make it buffer
/// without bound. It never traps on bad bytes.
struct ProtocolParser {
    /// The longest control line accepted (INFO of a large cluster can be long).
    static let maximumControlLineLength = 64 * 1024
    /// The largest payload accepted from the server.
    static let maximumPayloadLength = 64 * 1024 * 1024

    private var line: [UInt8] = []
    private var pending: PendingMessage?
    private var payload: [UInt8] = []

    private struct PendingMessage {
        var subject: String
        var sid: UInt64
        var replyTo: String?
        var headerLength: Int
        var totalLength: Int
    }

    /// Parses `buffer`, calling `emit` for each complete operation, in order.
    /// - Throws: ``NATSError`` `protocolError`; the parser must not be used after that.
    mutating func parse(
        _ buffer: UnsafeRawBufferPointer,
        _ emit: (ServerOperation) throws(NATSError) -> Void
    ) throws(NATSError) {
        var index = 0
        let count = buffer.count
        while index < count {
            if let message = self.pending {
                let needed = message.totalLength + 2 - self.payload.count
                let available = count - index
                if self.payload.isEmpty && available >= needed {
                    let body = UnsafeRawBufferPointer(rebasing: buffer[index..<index + needed])
                    index += needed
                    try emit(try self.finish(message, body))
                    continue
                }
                let take = min(needed, available)
                self.payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index..<index + take]))
                index += take
                if self.payload.count == message.totalLength + 2 {
                    let body = self.payload
                    self.payload = []
                    let operation = body.withUnsafeBytes { bytes in
                        Result { () throws(NATSError) -> ServerOperation in try self.finish(message, bytes) }
                    }
                    try emit(try operation.get())
                }
                continue
            }
            guard let newline = Self.firstNewline(in: buffer, from: index) else {
                self.line.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index..<count]))
                index = count
                guard self.line.count <= Self.maximumControlLineLength else {
                    throw NATSError(
                        .protocolError,
                        "a control line is longer than \(Self.maximumControlLineLength) bytes"
                    )
                }
                break
            }
            let operation: ServerOperation?
            if self.line.isEmpty {
                operation = try self.controlLine(UnsafeRawBufferPointer(rebasing: buffer[index..<newline]))
            } else {
                self.line.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index..<newline]))
                let whole = self.line
                self.line = []
                operation = try whole.withUnsafeBytes { bytes in
                    Result { () throws(NATSError) -> ServerOperation? in try self.controlLine(bytes) }
                }.get()
            }
            index = newline + 1
            if let operation { try emit(operation) }
        }
    }

    private static func firstNewline(in buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < buffer.count, let base = buffer.baseAddress,
            let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Builds the message once its payload and trailing CRLF are all here.
    private mutating func finish(
        _ message: PendingMessage,
        _ body: UnsafeRawBufferPointer
    ) throws(NATSError)
        -> ServerOperation
    {
        self.pending = nil
        guard body[message.totalLength] == UInt8(ascii: "\r"), body[message.totalLength + 1] == UInt8(ascii: "\n")
        else {
            throw NATSError(.protocolError, "a message payload is not followed by CRLF")
        }
        var headers: [UInt8]?
        if message.headerLength > 0 {
            headers = Array(UnsafeRawBufferPointer(rebasing: body[0..<message.headerLength]))
        }
        let payload = Array(UnsafeRawBufferPointer(rebasing: body[message.headerLength..<message.totalLength]))
        return .message(
            InboundMessage(
                subject: message.subject,
                sid: message.sid,
                replyTo: message.replyTo,
                headerBytes: headers,
                payload: payload
            )
        )
    }

    /// Interprets one control line (without its `\n`); MSG/HMSG set up the payload read.
    private mutating func controlLine(_ raw: UnsafeRawBufferPointer) throws(NATSError) -> ServerOperation? {
        var end = raw.count
        if end > 0 && raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: raw[0..<end])
        let fields = Self.fields(line)
        guard let first = fields.first else { throw NATSError(.protocolError, "an empty control line") }
        switch Self.opcode(line, first) {
        case .msg:
            guard fields.count == 4 || fields.count == 5 else { throw Self.arity("MSG") }
            let size = try Self.size(line, fields[fields.count - 1])
            self.pending = PendingMessage(
                subject: Self.text(line, fields[1]),
                sid: try Self.sid(line, fields[2]),
                replyTo: fields.count == 5 ? Self.text(line, fields[3]) : nil,
                headerLength: 0,
                totalLength: size
            )
            return nil
        case .hmsg:
            guard fields.count == 5 || fields.count == 6 else { throw Self.arity("HMSG") }
            let headerLength = try Self.size(line, fields[fields.count - 2])
            let totalLength = try Self.size(line, fields[fields.count - 1])
            guard headerLength <= totalLength, headerLength >= 10 else {
                throw NATSError(.protocolError, "an HMSG header length is out of range")
            }
            self.pending = PendingMessage(
                subject: Self.text(line, fields[1]),
                sid: try Self.sid(line, fields[2]),
                replyTo: fields.count == 6 ? Self.text(line, fields[3]) : nil,
                headerLength: headerLength,
                totalLength: totalLength
            )
            return nil
        case .ping: return .ping
        case .pong: return .pong
        case .ok: return .ok
        case .err:
            var text = String(decoding: UnsafeRawBufferPointer(rebasing: line[first.upperBound...]), as: UTF8.self)
            text = text.trimmingCharacters(in: " \t'")
            return .error(text)
        case .info:
            let body = Array(UnsafeRawBufferPointer(rebasing: line[first.upperBound...]))
            return .info(try ServerInfo.decode(body[...]))
        case nil:
            let shown = String(decoding: line[first].prefix(16), as: UTF8.self)
            throw NATSError(.protocolError, "unknown operation '\(shown)'")
        }
    }

    /// The space- or tab-separated fields of a control line, without allocating: up to six are
    /// kept (no operation has more); `count` says how many there were in all.
    struct Fields {
        private var storage: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>) =
            (0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
        private(set) var count = 0

        var first: Range<Int>? { self.count > 0 ? self[0] : nil }

        subscript(index: Int) -> Range<Int> {
            switch index {
            case 0: self.storage.0
            case 1: self.storage.1
            case 2: self.storage.2
            case 3: self.storage.3
            case 4: self.storage.4
            default: self.storage.5
            }
        }

        mutating func append(_ range: Range<Int>) {
            switch self.count {
            case 0: self.storage.0 = range
            case 1: self.storage.1 = range
            case 2: self.storage.2 = range
            case 3: self.storage.3 = range
            case 4: self.storage.4 = range
            case 5: self.storage.5 = range
            default: break
            }
            self.count += 1
        }
    }

    private static func fields(_ line: UnsafeRawBufferPointer) -> Fields {
        var result = Fields()
        var start = -1
        for index in 0..<line.count {
            let byte = line[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if start >= 0 { result.append(start..<index) }
                start = -1
            } else if start < 0 {
                start = index
            }
        }
        if start >= 0 { result.append(start..<line.count) }
        return result
    }

    private enum Opcode {
        case msg, hmsg, ping, pong, ok, err, info
    }

    private static let opcodes: [(StaticString, Opcode)] = [
        ("MSG", .msg), ("HMSG", .hmsg), ("PING", .ping), ("PONG", .pong), ("+OK", .ok), ("-ERR", .err), ("INFO", .info),
    ]

    /// The operation, when its name is one of the known ones (names are case-insensitive).
    private static func opcode(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Opcode? {
        for (name, opcode) in opcodes where name.utf8CodeUnitCount == range.count {
            var matches = true
            for offset in 0..<range.count {
                let byte = line[range.lowerBound + offset]
                let upper = byte >= 97 && byte <= 122 ? byte - 32 : byte
                if upper != name.utf8Start[offset] {
                    matches = false
                    break
                }
            }
            if matches { return opcode }
        }
        return nil
    }

    private static func text(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    private static func number(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 19 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = line[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func size(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) throws(NATSError) -> Int {
        guard let value = number(line, range), value <= UInt64(maximumPayloadLength) else {
            throw NATSError(.protocolError, "a message size is not a number up to \(maximumPayloadLength)")
        }
        return Int(value)
    }

    private static func sid(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) throws(NATSError) -> UInt64 {
        guard let value = number(line, range) else {
            throw NATSError(.protocolError, "a subscription id is not a number")
        }
        return value
    }

    private static func arity(_ name: String) -> NATSError {
        NATSError(.protocolError, "\(name) has the wrong number of arguments")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        guard let first = self.firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = self.lastIndex(where: { !characters.contains($0) }) ?? first
        return String(self[first...last])
    }
}
