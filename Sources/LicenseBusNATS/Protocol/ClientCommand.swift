/// Encodes what the client sends, appending the bytes to a buffer (no intermediate strings
/// on the publish path).
enum ClientCommand {
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
        let lineBound = 5 + subject.utf8.count + 1 + (replyTo?.utf8.count ?? 0) + 1 + 2 * 20 + 2
        append(bound: lineBound + (inline ? bodySize + 2 : 0), into: &buffer) { writer in
            if headers != nil { writer.write(UInt8(ascii: "H")) }
            writer.write("PUB ")
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
            writer.write("\r\n")
            if inline {
                if let headers { headers.withUnsafeBytes { writer.write($0) } }
                writer.write(payload)
                writer.write("\r\n")
            }
        }
        guard !inline else { return }
        if let headers { buffer.append(contentsOf: headers) }
        buffer.append(contentsOf: payload)
        buffer.append(13)
        buffer.append(10)
    }

    /// The largest body (headers and payload) copied into the stack buffer with its line.
    static let inlineBodyLimit = 1024

    /// `SUB subject [queue] sid`.
    static func subscribe(subject: String, queue: String?, sid: UInt64, into buffer: inout [UInt8]) {
        append(bound: 4 + subject.utf8.count + 1 + (queue?.utf8.count ?? 0) + 1 + 20 + 2, into: &buffer) { writer in
            writer.write("SUB ")
            writer.write(subject)
            if let queue {
                writer.write(32)
                writer.write(queue)
            }
            writer.write(32)
            writer.write(number: sid)
            writer.write("\r\n")
        }
    }

    /// `UNSUB sid [max]`.
    static func unsubscribe(sid: UInt64, after maximum: UInt64?, into buffer: inout [UInt8]) {
        append(bound: 6 + 20 + 1 + 20 + 2, into: &buffer) { writer in
            writer.write("UNSUB ")
            writer.write(number: sid)
            if let maximum {
                writer.write(32)
                writer.write(number: maximum)
            }
            writer.write("\r\n")
        }
    }

    /// Assembles one operation of at most `bound` bytes in a temporary buffer (on the stack when
    /// small) and appends it to `buffer` in one copy.
    private static func append(bound: Int, into buffer: inout [UInt8], _ body: (inout OperationWriter) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: bound, alignment: 1) { operation in
            var writer = OperationWriter(output: operation, position: 0)
            body(&writer)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: operation[0..<writer.position]))
        }
    }
}

/// Subject rules checked before anything is sent (ADR-6, as strictly as the official clients).
public enum SubjectRules {
    /// Whether `subject` is non-empty, at most 1,024 bytes, has no white space or NUL, and no
    /// empty tokens (wildcards are allowed: they are valid to subscribe to).
    /// - Parameter subject: The subject.
    /// - Returns: Whether the server would take it.
    public static func isValid(_ subject: String) -> Bool {
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

    @inline(__always)
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard let source = bytes.baseAddress, let start = self.output.baseAddress else { return }
        precondition(self.position + count <= self.output.count, "an operation outgrew its bound")
        let target = start + self.position
        self.position += count
        // Fields are short (a subject, a small payload): inline copies beat a call to memmove.
        if count > 32 {
            target.copyMemory(from: source, byteCount: count)
        } else if count >= 8 {
            // Eight bytes at a time, the last word overlapping the one before it.
            var offset = 0
            while offset < count - 8 {
                let word = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            let last = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            target.storeBytes(of: last, toByteOffset: count - 8, as: UInt64.self)
        } else {
            for index in 0..<count {
                let byte = source.load(fromByteOffset: index, as: UInt8.self)
                target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
            }
        }
    }

    @inline(__always)
    mutating func write(_ text: StaticString) {
        self.write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func write(_ text: String) {
        // A native string lends its bytes as they are; only a bridged one is copied first.
        let lent: Void? = text.utf8.withContiguousStorageIfAvailable { self.write(UnsafeRawBufferPointer($0)) }
        if lent == nil {
            var copy = text
            copy.withUTF8 { self.write(UnsafeRawBufferPointer($0)) }
        }
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
