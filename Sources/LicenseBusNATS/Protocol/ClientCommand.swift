/// Encodes what the client sends, appending the bytes to a buffer (no intermediate strings
/// on the publish path).
enum ClientCommand {
    /// The longest control line we send; the server's default `max_control_line` is 4096.
    static let maximumControlLineLength = 4096

    static func connect(_ json: String, into buffer: inout [UInt8]) {
        buffer += Array("CONNECT ".utf8)
        buffer += Array(json.utf8)
        buffer += [13, 10]
    }

    static func ping(into buffer: inout [UInt8]) {
        buffer += [80, 73, 78, 71, 13, 10]
    }

    static func pong(into buffer: inout [UInt8]) {
        buffer += [80, 79, 78, 71, 13, 10]
    }

    /// `PUB subject [reply] size` or `HPUB subject [reply] hsize tsize`, then the body.
    ///
    /// The operation is assembled in a stack buffer and appended in one copy; a body larger than
    /// ``inlineBodyLimit`` is appended after the line instead of being copied twice.
    static func publish(
        subject: String,
        replyTo: String?,
        headers: [UInt8]?,
        payload: UnsafeRawBufferPointer,
        into buffer: inout [UInt8]
    ) {
        let headerCount = headers?.count ?? 0
        let bodySize = headerCount + payload.count
        let inline = bodySize <= inlineBodyLimit
        // Subjects are at most 1,024 bytes (SubjectRules), so the line always fits this bound.
        let lineBound = 5 + subject.utf8.count + 1 + (replyTo?.utf8.count ?? 0) + 1 + 2 * 20 + 2
        withUnsafeTemporaryAllocation(byteCount: lineBound + (inline ? bodySize + 2 : 0), alignment: 1) { operation in
            var writer = OperationWriter(output: operation, position: 0)
            if headers != nil { writer.write(UInt8(ascii: "H")) }
            writer.write(pubVerb)
            writer.write(subject)
            writer.write(32)
            if let replyTo {
                writer.write(replyTo)
                writer.write(32)
            }
            if headers != nil {
                writer.write(number: UInt64(headerCount))
                writer.write(32)
            }
            writer.write(number: UInt64(bodySize))
            writer.write(13)
            writer.write(10)
            if inline {
                if let headers { headers.withUnsafeBytes { writer.write($0) } }
                writer.write(payload)
                writer.write(13)
                writer.write(10)
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: operation[0..<writer.position]))
        }
        guard !inline else { return }
        if let headers { buffer.append(contentsOf: headers) }
        buffer.append(contentsOf: payload)
        buffer.append(13)
        buffer.append(10)
    }

    /// The largest body (headers and payload) copied into the stack buffer with its line.
    static let inlineBodyLimit = 1024

    private static let pubVerb: StaticString = "PUB "

    static func subscribe(subject: String, queue: String?, sid: UInt64, into buffer: inout [UInt8]) {
        buffer += [83, 85, 66, 32]
        appendText(subject, &buffer)
        if let queue {
            buffer.append(32)
            appendText(queue, &buffer)
        }
        buffer.append(32)
        appendNumber(sid, &buffer)
        buffer += [13, 10]
    }

    static func unsubscribe(sid: UInt64, after maximum: UInt64?, into buffer: inout [UInt8]) {
        buffer += [85, 78, 83, 85, 66, 32]
        appendNumber(sid, &buffer)
        if let maximum {
            buffer.append(32)
            appendNumber(maximum, &buffer)
        }
        buffer += [13, 10]
    }

    private static func appendText(_ text: String, _ buffer: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { buffer.append(contentsOf: $0) }
    }

    private static func appendNumber(_ value: UInt64, _ buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var start = 20
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            // Fill from the end, then append the digits in one copy.
            while rest > 0 {
                start -= 1
                raw[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<20]))
        }
    }
}

/// Subject rules checked before anything is sent (ADR-6, as strictly as the official clients).
enum SubjectRules {
    /// Whether `subject` is non-empty, has no white space or NUL, and no empty tokens.
    static func isValid(_ subject: String) -> Bool {
        var copy = subject
        return copy.withUTF8 { utf8 in
            guard !utf8.isEmpty, utf8.count <= 1024 else { return false }
            var tokenLength = 0
            for byte in utf8 {
                switch byte {
                case 32, 9, 10, 13, 0: return false
                case UInt8(ascii: "."):
                    if tokenLength == 0 { return false }
                    tokenLength = 0
                default: tokenLength += 1
                }
            }
            return tokenLength > 0
        }
    }

    /// Whether a queue group name is valid: non-empty, no white space or NUL.
    static func isValidQueue(_ queue: String) -> Bool {
        !queue.isEmpty && !queue.utf8.contains { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 || $0 == 0 }
    }
}

/// Writes the fields of a control line into a buffer known to be long enough.
private struct OperationWriter {
    let output: UnsafeMutableRawBufferPointer
    var position: Int

    mutating func write(_ byte: UInt8) {
        self.output[self.position] = byte
        self.position += 1
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        // Fields are short (a subject, a reply subject): a byte loop beats a call to memmove.
        if bytes.count <= 32 {
            for index in 0..<bytes.count { self.output[self.position + index] = bytes[index] }
        } else if let source = bytes.baseAddress, let target = self.output.baseAddress {
            (target + self.position).copyMemory(from: source, byteCount: bytes.count)
        }
        self.position += bytes.count
    }

    mutating func write(_ text: StaticString) {
        self.write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { self.write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `value` in decimal.
    mutating func write(number value: UInt64) {
        var end = self.position
        var rest = value
        repeat {
            rest /= 10
            end += 1
        } while rest > 0
        self.position = end
        rest = value
        repeat {
            end -= 1
            self.output[end] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
    }
}
