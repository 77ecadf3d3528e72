internal import LicenseBusCore
public import LicenseBusCrypto
public import LicenseBusJSON

/// Builds JWS tokens with any header, for tests of hostile and edge-case licenses.
public enum TokenForge {
    /// A compact JWS with exactly this header and payload, signed with `key`.
    /// - Parameters:
    ///   - header: The protected header, written as given.
    ///   - claims: The payload object.
    ///   - key: The signing key (defaults to the sample vendor key).
    ///   - scheme: The signature scheme.
    /// - Returns: The token.
    public static func token(
        header: [String: JSONValue],
        claims: [String: JSONValue],
        key: RSAPrivateKey = SampleKeys.vendorPrivate,
        scheme: RSASignatureScheme = .pkcs1v15(.sha256)
    ) throws -> String {
        try token(
            headerJSON: JSONWriter.compact(.object(header)),
            payloadJSON: JSONWriter.compact(.object(claims)),
            key: key,
            scheme: scheme
        )
    }

    /// A compact JWS over raw header and payload texts, signed with `key`.
    /// - Parameters:
    ///   - headerJSON: The header's exact text.
    ///   - payloadJSON: The payload's exact text (or any bytes as text).
    ///   - key: The signing key.
    ///   - scheme: The signature scheme.
    /// - Returns: The token.
    public static func token(
        headerJSON: String,
        payloadJSON: String,
        key: RSAPrivateKey = SampleKeys.vendorPrivate,
        scheme: RSASignatureScheme = .pkcs1v15(.sha256)
    ) throws -> String {
        try token(headerBytes: Array(headerJSON.utf8), payloadBytes: Array(payloadJSON.utf8), key: key, scheme: scheme)
    }

    /// A compact JWS over raw header and payload bytes, signed with `key`.
    /// - Parameters:
    ///   - headerBytes: The header's bytes.
    ///   - payloadBytes: The payload's bytes.
    ///   - key: The signing key.
    ///   - scheme: The signature scheme.
    /// - Returns: The token.
    public static func token(
        headerBytes: [UInt8],
        payloadBytes: [UInt8],
        key: RSAPrivateKey = SampleKeys.vendorPrivate,
        scheme: RSASignatureScheme = .pkcs1v15(.sha256)
    ) throws -> String {
        let input = Base64URL.encode(headerBytes) + "." + Base64URL.encode(payloadBytes)
        return input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8), scheme: scheme))
    }

    /// The standard license header for RS256 with kid `vendor-test`.
    public static let header: [String: JSONValue] = [
        "alg": .string("RS256"), "typ": .string("license+jwt"), "kid": .string("vendor-test"),
    ]
}
