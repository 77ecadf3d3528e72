public import LicenseBusCrypto
public import LicenseBusJSON

/// Signs license files (SPEC §1): the vendor side of ``LicenseVerifier``.
public enum LicenseSigner {
    /// Signs `claims` as a license JWT with header `{"alg":…,"kid":…,"typ":"license+jwt"}`.
    /// - Parameters:
    ///   - claims: The claims object; checked against SPEC §1 first, so no malformed license is issued.
    ///   - key: The vendor's RSA private key (2048 bits or more).
    ///   - algorithm: `RS256` (default) or `PS256`.
    ///   - keyID: The `kid` to put in the header, or nil for none.
    /// - Returns: The license file's text (one line, no newline).
    /// - Throws: ``LicenseError`` `malformed` for bad claims; ``CryptoError`` if signing fails.
    public static func sign(
        claims: [String: JSONValue],
        key: RSAPrivateKey,
        algorithm: JWSAlgorithm = .rs256,
        keyID: String? = nil
    ) throws -> String {
        _ = try LicenseClaims(claims)
        var header: [String: JSONValue] = ["alg": .string(algorithm.rawValue), "typ": .string("license+jwt")]
        if let keyID { header["kid"] = .string(keyID) }
        let signingInput =
            Base64URL.encode(Array(JSONWriter.compact(.object(header)).utf8)) + "."
            + Base64URL.encode(Array(JSONWriter.compact(.object(claims)).utf8))
        let signature = try key.signature(for: Array(signingInput.utf8), scheme: algorithm.scheme)
        return signingInput + "." + Base64URL.encode(signature)
    }
}
