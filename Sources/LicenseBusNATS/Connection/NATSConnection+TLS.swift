internal import LicenseBusCrypto
import Synchronization

extension NATSConnection {
    /// The TLS context of the configuration (CA file or system store, client certificate), made
    /// on first use and kept for every later handshake.
    /// - Throws: ``NATSError`` `invalidConfiguration` naming a file that cannot be loaded.
    func tlsContext() throws(NATSError) -> TLSClientContext {
        try self.tlsContextCache.withLock { (cache) throws(NATSError) -> TLSClientContext in
            if let context = cache { return context }
            let files = TLSClientConfiguration(
                caFile: self.configuration.tlsCAFile,
                certificateFile: self.configuration.tlsCertificateFile,
                keyFile: self.configuration.tlsKeyFile
            )
            do throws(CryptoError) {
                let context = try TLSClientContext(files)
                cache = context
                return context
            } catch {
                throw NATSError(tls: error)
            }
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
