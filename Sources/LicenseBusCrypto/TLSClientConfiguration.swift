/// What a TLS client trusts and presents: PEM files, all optional.
///
/// Without a CA file the system's trust store is used (OpenSSL's default paths, which honour
/// `SSL_CERT_FILE` and `SSL_CERT_DIR`). TLS 1.2 is the lowest version ever negotiated, and the
/// server's certificate is always verified, host name included; there is no switch to turn that off.
public struct TLSClientConfiguration: Sendable, Hashable {
    /// A PEM file of CA certificates to trust instead of the system store.
    public var caFile: String?
    /// A PEM file with the client certificate (and its chain) for mutual TLS.
    public var certificateFile: String?
    /// The PEM private key of ``certificateFile``.
    public var keyFile: String?

    /// Makes a configuration.
    /// - Parameters:
    ///   - caFile: CA certificates to trust, or nil for the system store.
    ///   - certificateFile: Client certificate chain for mutual TLS, or nil.
    ///   - keyFile: The client certificate's private key, or nil.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
