internal import CLicenseBusOpenSSL

/// OpenSSL's thread-local error queue, read into Swift strings.
enum OpenSSLErrorQueue {
    /// Empties the queue so that a following call sequence reports only its own errors.
    static func clear() {
        ERR_clear_error()
    }

    /// Drains the queue into one line of reason texts, oldest first; nil when it was empty.
    static func drain() -> String? {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = buffer.withUnsafeBufferPointer { pointer -> String in
                let bytes = pointer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                return String(decoding: bytes, as: UTF8.self)
            }
            reasons.append(text)
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// A ``CryptoError`` carrying whatever OpenSSL queued for the failed call.
    static func error(_ code: CryptoError.Code, _ message: String) -> CryptoError {
        CryptoError(code, message, underlying: drain())
    }
}
