internal import CLicenseBusOpenSSL

/// A configured OpenSSL client context (`SSL_CTX`): trust anchors, client certificate, TLS 1.2
/// minimum, peer verification on. Made once per connection configuration; sessions are made from it.
///
/// - Important: Immutable after `init`; OpenSSL allows making sessions from one context on many threads.
public final class TLSClientContext: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Loads the files of `configuration` into a new context.
    /// - Parameter configuration: CA, certificate and key files.
    /// - Throws: ``CryptoError`` `invalidConfiguration` naming the file that cannot be loaded, or the
    ///   certificate and key that do not match.
    public init(_ configuration: TLSClientConfiguration) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw Self.failure("OpenSSL could not make a TLS context")
        }
        self.pointer = context
        guard LicenseBusOpenSSL_SSL_CTX_set_min_proto_version_TLS1_2(context) == 1 else {
            throw Self.failure("OpenSSL refused TLS 1.2 as the lowest version")
        }
        LicenseBusOpenSSL_SSL_CTX_set_moving_write_buffer_mode(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile = configuration.caFile {
            guard SSL_CTX_load_verify_file(context, caFile) == 1 else {
                throw Self.failure("cannot load CA certificates from \(caFile)")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw Self.failure("cannot load the system's trusted CA certificates")
            }
        }
        switch (configuration.certificateFile, configuration.keyFile) {
        case (nil, nil): break
        case (let certificate?, let key?):
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                throw Self.failure("cannot load the client certificate from \(certificate)")
            }
            // OpenSSL checks here that the key is the certificate's.
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                if ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH {
                    throw Self.failure("the client key \(key) does not belong to the certificate \(certificate)")
                }
                throw Self.failure("cannot load the client key from \(key)")
            }
        case (_?, nil), (nil, _?):
            throw CryptoError(
                .invalidConfiguration,
                "a client certificate needs both a certificate file and a key file"
            )
        }
    }

    deinit {
        SSL_CTX_free(self.pointer)
    }

    private static func failure(_ message: String) -> CryptoError {
        CryptoError(.invalidConfiguration, message, underlying: OpenSSLErrorQueue.drain())
    }
}
