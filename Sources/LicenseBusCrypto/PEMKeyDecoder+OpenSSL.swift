internal import CLicenseBusOpenSSL

/// Owns one `OSSL_DECODER_CTX` that reads a PEM key, and the slot OpenSSL writes the key into.
///
/// OpenSSL copies neither the input type (`"PEM"`) nor the address of the key slot given when
/// the context is made: it keeps both pointers and uses them when it decodes. So both must live
/// as long as the context. The input type is a C literal (see the shim), and the slot is
/// allocated here and freed with the context. A Swift string or `&variable` passed at creation
/// would be a temporary, gone by the time the data is decoded.
final class PEMKeyDecoder {
    private let context: OpaquePointer
    private let slot: UnsafeMutablePointer<OpaquePointer?>

    /// A decoder for a private key (PKCS#8, PKCS#1) or a public key (SPKI, PKCS#1).
    init(wantPrivate: Bool) throws {
        let selection =
            wantPrivate ? LicenseBusOpenSSL_EVP_PKEY_KEYPAIR() : LicenseBusOpenSSL_EVP_PKEY_PUBLIC_KEY()
        let slot = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)
        slot.initialize(to: nil)
        guard let context = LicenseBusOpenSSL_OSSL_DECODER_CTX_new_for_pkey_PEM(slot, selection) else {
            slot.deallocate()
            throw OpenSSLErrorQueue.error(.internalFailure, "OpenSSL could not create a PEM decoder")
        }
        self.context = context
        self.slot = slot
    }

    deinit {
        OSSL_DECODER_CTX_free(self.context)
        if let key = self.slot.pointee { EVP_PKEY_free(key) }
        self.slot.deallocate()
    }

    /// Decodes the first key in `pem`; nil when OpenSSL finds none (its reasons stay queued).
    /// - Returns: An `EVP_PKEY` the caller owns and must free.
    func decode(_ pem: UnsafeRawBufferPointer) -> OpaquePointer? {
        var data: UnsafePointer<UInt8>? = pem.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var length = pem.count
        guard OSSL_DECODER_from_data(self.context, &data, &length) == 1, let key = self.slot.pointee else {
            return nil
        }
        self.slot.pointee = nil
        return key
    }
}
