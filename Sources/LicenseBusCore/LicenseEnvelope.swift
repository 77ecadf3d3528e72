internal import LicenseBusCrypto
public import LicenseBusJSON

/// The distribution envelope of SPEC §2: the license file's bytes in a JWE, `dir` + `A256GCM`.
public enum LicenseEnvelope {
    /// The members of the protected header we write and accept.
    static let headerMembers: Set<String> = ["alg", "enc", "kid", "cty", "typ"]

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
        let kid = try checkHeader(try compact.object(0, part: "envelope header"))
        guard compact.ranges[1].isEmpty else {
            throw LicenseError(.malformed, "the envelope's encrypted-key part must be empty for alg dir")
        }
        guard let iv = compact.decoded(2), iv.count == AESGCM.ivByteCount else {
            throw LicenseError(.malformed, "the envelope's IV is not 96 bits of base64url")
        }
        guard let ciphertext = compact.decoded(3) else {
            throw LicenseError(.malformed, "the envelope's ciphertext is not base64url")
        }
        guard let tag = compact.decoded(4), tag.count == AESGCM.tagByteCount else {
            throw LicenseError(.malformed, "the envelope's tag is not 128 bits of base64url")
        }
        guard let key = ring.key(id: kid) else {
            throw LicenseError(
                .unknownKID,
                "the envelope is encrypted with distribution key '\(kid)', which is not in the ring",
                hint: "add that key to LICENSE_DISTRIBUTION_KEY (rotation keeps old and new side by side)"
            )
        }
        let plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(ciphertext, tag: tag, key: key, iv: iv, aad: Array(compact.raw(0)))
        } catch {
            throw LicenseError(
                .decryptFailed,
                "the envelope does not decrypt with distribution key '\(kid)'",
                hint: "the envelope was altered, or the key of that kid differs from the server's",
                underlying: error
            )
        }
        guard let license = String(validating: plaintext, as: UTF8.self) else {
            throw LicenseError(.malformed, "the envelope's content is not UTF-8 text")
        }
        return license
    }

    /// Reads the protected header without decrypting, for inspection.
    /// - Parameter envelope: The envelope text.
    /// - Returns: The protected header.
    /// - Throws: ``LicenseError`` `malformed` when it is not a JWE of this kind.
    public static func header(of envelope: String) throws(LicenseError) -> [String: JSONValue] {
        let header = try CompactToken(envelope, partCount: 5, what: "envelope").object(0, part: "envelope header")
        _ = try checkHeader(header)
        return header
    }

    /// Checks the protected header strictly and returns its `kid`.
    private static func checkHeader(_ header: [String: JSONValue]) throws(LicenseError) -> String {
        guard header["alg"]?.stringValue == "dir", header["enc"]?.stringValue == "A256GCM" else {
            throw LicenseError(.malformed, "the envelope is not a JWE with alg dir and enc A256GCM")
        }
        guard let kid = header["kid"]?.stringValue else {
            throw LicenseError(.malformed, "the envelope header has no string 'kid'")
        }
        if let unknown = header.keys.first(where: { !headerMembers.contains($0) }) {
            throw LicenseError(.malformed, "the envelope header has an unsupported member '\(unknown)'")
        }
        if let type = header["typ"], type.stringValue?.equalsIgnoringASCIICase("license+jwe") != true {
            throw LicenseError(.malformed, "the envelope's typ is not license+jwe")
        }
        if let contentType = header["cty"],
            contentType.stringValue?.equalsIgnoringASCIICase("license+jwt") != true
        {
            throw LicenseError(.malformed, "the envelope's cty is not license+jwt")
        }
        return kid
    }
}
