internal import CLicenseBusOpenSSL

/// One client-side TLS session that never touches a socket: ciphertext goes in with
/// ``feed(_:)`` and comes out with ``takeOutput(into:)``; the caller moves it over the wire.
///
/// Keeping OpenSSL away from the descriptor leaves the I/O thread in charge of every `send`
/// (with `MSG_NOSIGNAL`) and every `poll`, exactly as in clear text.
/// - Important: Not thread-safe; one I/O thread owns it.
public final class TLSSession {
    private let ssl: OpaquePointer
    private let input: OpaquePointer
    private let output: OpaquePointer
    private let serverName: String

    /// Starts a client session that will verify the server's certificate for `serverName`.
    /// - Parameters:
    ///   - context: The trust anchors and client certificate.
    ///   - serverName: The host name (also sent as SNI) or IP address the certificate must be valid for.
    /// - Throws: ``CryptoError`` `invalidConfiguration` when OpenSSL refuses the name or cannot allocate.
    public init(context: TLSClientContext, serverName: String) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw CryptoError(
                .invalidConfiguration,
                "OpenSSL could not make a TLS session",
                underlying: OpenSSLErrorQueue.drain()
            )
        }
        let input = BIO_new(BIO_s_mem())
        let output = BIO_new(BIO_s_mem())
        guard let input, let output else {
            BIO_free(input)
            BIO_free(output)
            SSL_free(ssl)
            throw CryptoError(
                .invalidConfiguration,
                "OpenSSL could not make memory BIOs",
                underlying: OpenSSLErrorQueue.drain()
            )
        }
        SSL_set_bio(ssl, input, output)
        self.ssl = ssl
        self.input = input
        self.output = output
        self.serverName = serverName
        SSL_set_connect_state(ssl)
        if X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) != 1 {
            OpenSSLErrorQueue.clear()
            guard SSL_set1_host(ssl, serverName) == 1,
                LicenseBusOpenSSL_SSL_set_tlsext_host_name(ssl, serverName) == 1
            else {
                throw CryptoError(
                    .invalidConfiguration,
                    "'\(serverName)' cannot be used as a TLS server name",
                    underlying: OpenSSLErrorQueue.drain()
                )
            }
        }
    }

    deinit {
        SSL_free(self.ssl)
    }

    /// Advances the handshake with the input fed so far.
    /// - Returns: True when the handshake is complete; false when it needs more input
    ///   (send ``takeOutput(into:)`` first).
    /// - Throws: ``CryptoError``: a verification code naming the cause, or `handshakeFailed`.
    public func handshake() throws(CryptoError) -> Bool {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(self.ssl)
        if result == 1 { return true }
        switch SSL_get_error(self.ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return false
        default: throw self.failure()
        }
    }

    /// Hands ciphertext received from the peer to the session.
    /// - Parameter bytes: The bytes, in the order received.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var written = 0
        // A memory BIO grows as needed; it takes every byte or fails only when out of memory.
        let ok = BIO_write_ex(self.input, base, bytes.count, &written)
        precondition(ok == 1 && written == bytes.count, "BIO_write_ex on a memory BIO failed")
    }

    /// Decrypts what the fed input holds.
    /// - Parameter buffer: Where the plaintext goes.
    /// - Returns: The number of plaintext bytes (more than zero), or nil when more input is needed.
    /// - Throws: ``CryptoError`` `closed` when the peer ended the session; `handshakeFailed` on an alert
    ///   or a broken record.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int? {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        // No ERR_clear_error here (it is hot): every failure path drains the queue, so it is empty.
        var count = 0
        let result = SSL_read_ex(self.ssl, base, buffer.count, &count)
        if result == 1 { return count }
        switch SSL_get_error(self.ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return nil
        case SSL_ERROR_ZERO_RETURN:
            OpenSSLErrorQueue.clear()
            throw CryptoError(.closed, "the server ended the TLS session")
        default: throw self.failure()
        }
    }

    /// Encrypts plaintext; the records wait in the output for ``takeOutput(into:)``.
    /// - Parameter bytes: The plaintext.
    /// - Returns: How many bytes were taken: all of them (the output is memory and never full),
    ///   or zero while the session waits for the peer (a renegotiation).
    /// - Throws: ``CryptoError`` when the session has failed.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        // As in read(into:), the queue is already empty.
        var count = 0
        let result = SSL_write_ex(self.ssl, base, bytes.count, &count)
        if result == 1 { return count }
        switch SSL_get_error(self.ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return 0
        case SSL_ERROR_ZERO_RETURN:
            OpenSSLErrorQueue.clear()
            throw CryptoError(.closed, "the server ended the TLS session")
        default: throw self.failure()
        }
    }

    /// Moves the ciphertext waiting to be sent to the end of `bytes`.
    /// - Parameter bytes: The caller's outbound buffer.
    public func takeOutput(into bytes: inout [UInt8]) {
        let pending = Int(BIO_ctrl_pending(self.output))
        guard pending > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: pending))
        var count = 0
        bytes.withUnsafeMutableBytes { buffer in
            _ = BIO_read_ex(self.output, buffer.baseAddress.map { $0 + start }, pending, &count)
        }
        bytes.removeLast(pending - count)
    }

    /// Whether fed input or decrypted plaintext is still waiting to be read.
    public var hasBufferedInput: Bool {
        SSL_pending(self.ssl) > 0 || BIO_ctrl_pending(self.input) > 0
    }

    /// Queues a `close_notify` alert for the peer (take it with ``takeOutput(into:)``).
    public func close() {
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(self.ssl)
        OpenSSLErrorQueue.clear()
    }

    /// The error for a failed handshake or record: the certificate verification result when
    /// verification failed, else what OpenSSL queued.
    private func failure() -> CryptoError {
        let underlying = OpenSSLErrorQueue.drain()
        let verification = Int32(truncatingIfNeeded: SSL_get_verify_result(self.ssl))
        guard verification == X509_V_OK else {
            let reason = X509_verify_cert_error_string(Int(verification)).map { String(cString: $0) } ?? "unknown"
            switch verification {
            case X509_V_ERR_CERT_HAS_EXPIRED:
                return CryptoError(.certificateExpired, "the server's certificate has expired (\(reason))")
            case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
                return CryptoError(
                    .unknownAuthority,
                    "the server's certificate is not signed by a trusted CA (\(reason))"
                )
            case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
                return CryptoError(
                    .hostnameMismatch,
                    "the server's certificate is not valid for '\(self.serverName)' (\(reason))"
                )
            default:
                return CryptoError(.certificateRejected, "the server's certificate was rejected (\(reason))")
            }
        }
        if underlying?.contains("certificate required") == true {
            return CryptoError(
                .handshakeFailed,
                "the server requires a client certificate",
                underlying: underlying
            )
        }
        return CryptoError(.handshakeFailed, "the TLS session with the server failed", underlying: underlying)
    }
}
