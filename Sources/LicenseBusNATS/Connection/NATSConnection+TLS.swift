internal import LicenseBusCrypto
import LicenseBusSync

extension NATSConnection {
    /// The TLS context of the configuration (CA file or system store, client certificate), made
    /// on first use and kept for every later handshake.
    /// - Throws: ``NATSError`` `invalidConfiguration` naming a file that cannot be loaded.
    func tlsContext() throws(NATSError) -> TLSClientContext {
        try self.tlsContextCache.withLock { (cache) throws(NATSError) -> TLSClientContext in
            if let context = cache { return context }
            let context = try self.configuration.makeTLSContext()
            cache = context
            return context
        }
    }

    /// Runs the TLS handshake with `server` on `stream`, verifying the certificate for the
    /// server's TLS name, within `deadline`.
    /// - Throws: ``NATSError``: a TLS code naming the cause, `connectionFailed`, `connectionClosed`.
    func startTLS(
        on stream: ServerStream,
        with server: ServerURL,
        until deadline: ContinuousClock.Instant
    )
        throws(NATSError)
    {
        let context = try self.tlsContext()
        let session: TLSSession
        do throws(CryptoError) {
            session = try TLSSession(context: context, serverName: server.tlsServerName)
        } catch {
            throw NATSError(tls: error)
        }
        try stream.startTLS(session) { (events) throws(NATSError) in
            try self.waitReady(stream.descriptor, events: events, until: deadline)
        }
    }
}

extension NATSConfiguration {
    /// Loads the TLS files (CA certificates, client certificate and key) as a connection does,
    /// so a program can refuse a bad file at start instead of at its first connect.
    /// - Throws: ``NATSError`` `invalidConfiguration` naming the file and what is wrong with it.
    public func checkTLSFiles() throws(NATSError) {
        _ = try self.makeTLSContext()
    }

    /// A TLS context of this configuration's files (the system store without a CA file).
    func makeTLSContext() throws(NATSError) -> TLSClientContext {
        do throws(CryptoError) {
            return try TLSClientContext(
                TLSClientConfiguration(
                    caFile: self.tlsCAFile,
                    certificateFile: self.tlsCertificateFile,
                    keyFile: self.tlsKeyFile
                )
            )
        } catch {
            throw NATSError(tls: error)
        }
    }
}
