internal import LicenseBusCrypto

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte stream to one server: a TCP socket, carrying TLS once ``startTLS(_:waitReady:)`` ran.
///
/// Callers read and write plaintext; with TLS the ciphertext passes through buffers here, and
/// the socket is still written only with `send(..., MSG_NOSIGNAL)` by the owning I/O thread.
final class ServerStream {
    private let socket: TCPSocket
    private var tls: TLSSession?
    private var ciphertextOut: [UInt8] = []
    private var ciphertextSent = 0
    private var ciphertextIn: [UInt8] = []
    /// The most plaintext encrypted at once, so the ciphertext buffer stays small.
    private static let plaintextChunk = 64 * 1024

    init(socket: TCPSocket) {
        self.socket = socket
    }

    /// The socket's descriptor, for `poll`.
    var descriptor: Int32 { self.socket.descriptor }

    /// Whether TLS is on.
    var isSecure: Bool { self.tls != nil }

    /// The socket, when other threads may write plaintext to it directly (clear text only).
    var plainSocket: TCPSocket? { self.tls == nil ? self.socket : nil }

    /// Whether ciphertext is waiting for the socket to take it (poll for `POLLOUT`).
    var hasUnsentOutput: Bool { self.ciphertextSent < self.ciphertextOut.count }

    /// Whether input is already here but not read yet (do not wait in `poll`).
    var hasBufferedInput: Bool { self.tls?.hasBufferedInput ?? false }

    /// Runs the TLS client handshake on this stream; afterwards every byte is encrypted.
    /// - Parameters:
    ///   - session: A fresh session that verifies the server's certificate.
    ///   - waitReady: Waits until the socket is ready for the given `poll` events, or throws at the deadline.
    /// - Throws: ``NATSError``: the TLS code for the cause, or `connectionFailed`.
    func startTLS(_ session: TLSSession, waitReady: (Int16) throws(NATSError) -> Void) throws(NATSError) {
        self.tls = session
        self.ciphertextIn = [UInt8](repeating: 0, count: 16 * 1024 + 512)
        while true {
            let isDone: Bool
            do {
                isDone = try session.handshake()
            } catch {
                throw NATSError(tls: error)
            }
            session.takeOutput(into: &self.ciphertextOut)
            while self.hasUnsentOutput {
                if case .failed(let error) = self.flush() { throw error }
                if self.hasUnsentOutput { try waitReady(Int16(POLLOUT)) }
            }
            if isDone { return }
            try waitReady(Int16(POLLIN))
            switch self.receiveCiphertext() {
            case .done, .wouldBlock: continue
            case .failed(let error):
                throw NATSError(
                    .tlsFailed,
                    "the server closed the connection during the TLS handshake (\(error.message))"
                )
            }
        }
    }

    /// Sends what the socket takes now: queued ciphertext first, then `bytes`, encrypted a chunk
    /// at a time until the socket would block.
    /// - Returns: `.done(n)` with `n` plaintext bytes taken (0 only when `bytes` is empty).
    func send(_ bytes: UnsafeRawBufferPointer) -> TCPSocket.IOResult {
        guard let tls = self.tls else { return self.socket.send(bytes) }
        if case .failed(let error) = self.flush() { return .failed(error) }
        var taken = 0
        while taken < bytes.count && !self.hasUnsentOutput {
            let end = min(bytes.count, taken + Self.plaintextChunk)
            do {
                taken += try tls.write(UnsafeRawBufferPointer(rebasing: bytes[taken..<end]))
            } catch {
                return .failed(NATSError(tls: error))
            }
            tls.takeOutput(into: &self.ciphertextOut)
            if case .failed(let error) = self.flush() { return .failed(error) }
        }
        return taken == 0 && self.hasUnsentOutput ? .wouldBlock : .done(taken)
    }

    /// Receives what is there now as plaintext; `.done(0)` is never returned.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> TCPSocket.IOResult {
        guard let tls = self.tls else { return self.socket.receive(into: buffer) }
        // Most reads find the session empty: go to the socket first then, and skip a failing SSL_read.
        var mustReceive = !tls.hasBufferedInput
        while true {
            if !mustReceive {
                do {
                    if let count = try tls.read(into: buffer) { return .done(count) }
                } catch {
                    return .failed(NATSError(tls: error))
                }
                tls.takeOutput(into: &self.ciphertextOut)
            }
            mustReceive = false
            switch self.receiveCiphertext() {
            case .done: continue
            case .wouldBlock: return .wouldBlock
            case .failed(let error): return .failed(error)
            }
        }
    }

    /// Sends `bytes` and, with TLS, a `close_notify`, as far as the socket takes them without waiting.
    func finish(sending bytes: ArraySlice<UInt8>) {
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { self.send(UnsafeRawBufferPointer(rebasing: $0[sent...])) }
            guard case .done(let count) = result, count > 0 else { break }
            sent += count
        }
        guard let tls = self.tls else { return }
        tls.close()
        tls.takeOutput(into: &self.ciphertextOut)
        _ = self.flush()
    }

    /// Moves ciphertext from the socket into the TLS session.
    private func receiveCiphertext() -> TCPSocket.IOResult {
        let result = self.ciphertextIn.withUnsafeMutableBytes { self.socket.receive(into: $0) }
        if case .done(let count) = result, let tls = self.tls {
            self.ciphertextIn.withUnsafeBytes { tls.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return result
    }

    /// Writes queued ciphertext until the socket would block.
    private func flush() -> TCPSocket.IOResult {
        while self.hasUnsentOutput {
            let result = self.ciphertextOut.withUnsafeBytes {
                self.socket.send(UnsafeRawBufferPointer(rebasing: $0[self.ciphertextSent...]))
            }
            switch result {
            case .done(let count): self.ciphertextSent += count
            case .wouldBlock: return .wouldBlock
            case .failed: return result
            }
        }
        self.ciphertextOut.removeAll(keepingCapacity: true)
        self.ciphertextSent = 0
        return .done(0)
    }
}

extension NATSError {
    /// The NATS error for a TLS failure: verification causes keep their own codes; a server that
    /// ends the session (`close_notify`) is a lost connection, as a plain socket's end is.
    init(tls error: CryptoError) {
        let detail = error.underlying.map { " (\($0))" } ?? ""
        switch error.code {
        case .closed: self.init(.connectionFailed, error.message)
        case .certificateExpired: self.init(.tlsCertificateExpired, error.message)
        case .unknownAuthority: self.init(.tlsUnknownAuthority, error.message)
        case .hostnameMismatch: self.init(.tlsHostnameMismatch, error.message)
        case .invalidConfiguration: self.init(.invalidConfiguration, error.message + detail)
        default: self.init(.tlsFailed, error.message + detail)
        }
    }
}
