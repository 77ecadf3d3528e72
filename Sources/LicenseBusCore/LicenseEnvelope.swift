internal import LicenseBusCrypto
public import LicenseBusJSON

/// The distribution envelope of SPEC §2: the license file's bytes in a JWE, `dir` + `A256GCM`.
public enum LicenseEnvelope {
    /// Encrypts a license file's text under the ring's first key.
    /// - Parameters:
    ///   - license: The license file's text (a JWS).
    ///   - ring: The distribution key ring.
    /// - Returns: The envelope in JWE compact serialization, `header..iv.ciphertext.tag`.
    /// - Throws: ``CryptoError`` if the random generator or the cipher fails.
    public static func seal(_ license: String, ring: DistributionKeyRing) throws -> String {
        let entry = ring.current
        let header: JSONValue = .object([
            "alg": .string("dir"), "enc": .string("A256GCM"), "kid": .string(entry.id),
            "cty": .string("license+jwt"), "typ": .string("license+jwe"),
        ])
        let encodedHeader = Base64URL.encode(Array(JSONWriter.compact(header).utf8))
        let iv = try SecureRandom.bytes(count: AESGCM.ivByteCount)
        let sealed = try AESGCM.seal(
            Array(license.trimmingASCIIWhitespace().utf8),
            key: entry.key,
            iv: iv,
            aad: Array(encodedHeader.utf8)
        )
        return [
            encodedHeader, "", Base64URL.encode(iv), Base64URL.encode(sealed.ciphertext), Base64URL.encode(sealed.tag),
        ]
        .joined(separator: ".")
    }

    /// Decrypts an envelope: checks its shape, finds its `kid` in the ring, checks the tag.
    /// - Parameters:
    ///   - envelope: The envelope text (leading and trailing white space ignored).
    ///   - ring: The distribution key ring.
    /// - Returns: The license file's text inside; not yet verified.
    /// - Throws: ``LicenseError`` `malformed`, `unknown_kid` or `decrypt_failed`.
    public static func open(_ envelope: String, ring: DistributionKeyRing) throws(LicenseError) -> String {
        let compact = try CompactToken(envelope, partCount: 5, what: "envelope")
        let kid = try checkHeader(try self.header(of: compact))
        guard compact.ranges[1].isEmpty else {
            throw LicenseError(.malformed, "the envelope's encrypted-key part must be empty for alg dir")
        }
        // The parts are decoded into one temporary buffer; only the license text is kept.
        return try compact.withDecoded(
            (2, 4, 3),
            parts: ("envelope's IV", "envelope's tag", "envelope's ciphertext")
        ) { iv, tag, ciphertext throws(LicenseError) in
            guard iv.count == AESGCM.ivByteCount else {
                throw LicenseError(.malformed, "the envelope's IV is not 96 bits of base64url")
            }
            guard tag.count == AESGCM.tagByteCount else {
                throw LicenseError(.malformed, "the envelope's tag is not 128 bits of base64url")
            }
            return try decrypt(ciphertext, tag: tag, iv: iv, of: compact, kid: kid, ring: ring)
        }
    }

    /// Checks the tag, decrypts, and reads the plaintext as the license file's text.
    private static func decrypt(
        _ ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        iv: UnsafeRawBufferPointer,
        of compact: CompactToken,
        kid: String,
        ring: DistributionKeyRing
    ) throws(LicenseError) -> String {
        guard let key = ring.key(id: kid) else {
            throw LicenseError(
                .unknownKID,
                "the envelope is encrypted with distribution key '\(kid)', which is not in the ring",
                hint: "add that key to LICENSE_DISTRIBUTION_KEY (rotation keeps old and new side by side)"
            )
        }
        let decrypted = withUnsafeTemporaryAllocation(byteCount: ciphertext.count, alignment: 1) { plaintext in
            // The AAD is the header part as sent (RFC 7516 §5.2 step 14), a range of the token.
            let opened = compact.withBytes { token in
                let aad = UnsafeRawBufferPointer(rebasing: token[compact.ranges[0]])
                return Result<Void, any Error> {
                    try AESGCM.open(ciphertext, tag: tag, key: key, iv: iv, aad: aad, into: plaintext)
                }
            }
            return opened.map { String(validating: UnsafeRawBufferPointer(plaintext), as: UTF8.self) }
        }
        switch decrypted {
        case .success(let license?): return license
        case .success(nil): throw LicenseError(.malformed, "the envelope's content is not UTF-8 text")
        case .failure(let error):
            throw LicenseError(
                .decryptFailed,
                "the envelope does not decrypt with distribution key '\(kid)'",
                hint: "the envelope was altered, or the key of that kid differs from the server's",
                underlying: error
            )
        }
    }

    /// Reads the protected header without decrypting, for inspection.
    /// - Parameter envelope: The envelope text.
    /// - Returns: The protected header.
    /// - Throws: ``LicenseError`` `malformed` when it is not a JWE of this kind.
    public static func header(of envelope: String) throws(LicenseError) -> [String: JSONValue] {
        let header = try self.header(of: CompactToken(envelope, partCount: 5, what: "envelope"))
        _ = try checkHeader(header)
        return header.object
    }

    private static func header(of compact: CompactToken) throws(LicenseError) -> JOSEHeader {
        try compact.withDecoded(0, part: "envelope header") { bytes throws(LicenseError) in
            try JOSEHeader(decoding: bytes, part: "envelope header")
        }
    }

    /// Checks the protected header strictly and returns its `kid`.
    private static func checkHeader(_ header: JOSEHeader) throws(LicenseError) -> String {
        guard header.algorithm?.stringValue == "dir", header.encryption?.stringValue == "A256GCM" else {
            throw LicenseError(.malformed, "the envelope is not a JWE with alg dir and enc A256GCM")
        }
        guard let kid = header.keyID?.stringValue else {
            throw LicenseError(.malformed, "the envelope header has no string 'kid'")
        }
        // Of the members a JOSE header may have, the envelope allows alg, enc, kid, typ and cty.
        if let unknown = header.critical.map({ _ in "crit" }) ?? header.others.keys.min() {
            throw LicenseError(.malformed, "the envelope header has an unsupported member '\(unknown)'")
        }
        if let type = header.type, type.stringValue?.equalsIgnoringASCIICase("license+jwe") != true {
            throw LicenseError(.malformed, "the envelope's typ is not license+jwe")
        }
        if let contentType = header.contentType,
            contentType.stringValue?.equalsIgnoringASCIICase("license+jwt") != true
        {
            throw LicenseError(.malformed, "the envelope's cty is not license+jwt")
        }
        return kid
    }
}
