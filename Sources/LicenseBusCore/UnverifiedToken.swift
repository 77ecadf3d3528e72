internal import LicenseBusCrypto
public import LicenseBusJSON

/// Decodes a license or envelope for display, without verifying anything (`license-tool inspect`).
public enum UnverifiedToken {
    /// What a token looks like inside.
    public enum Contents: Sendable, Equatable {
        /// A JWS: its header and payload, as JSON.
        case license(header: [String: JSONValue], payload: JSONValue)
        /// A JWE envelope: its protected header.
        case envelope(header: [String: JSONValue])
    }

    /// Decodes a compact JWS (3 parts) or JWE (5 parts).
    /// - Parameter text: The token.
    /// - Returns: The decoded parts.
    /// - Throws: ``LicenseError`` `malformed` when it is neither.
    public static func decode(_ text: String) throws(LicenseError) -> Contents {
        let dots = text.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count
        switch dots {
        case 4:
            return .envelope(header: try LicenseEnvelope.header(of: text))
        case 2:
            let compact = try CompactToken(text, partCount: 3, what: "license")
            let header = try compact.object(0, part: "license header")
            guard let payloadBytes = compact.decoded(1) else {
                throw LicenseError(.malformed, "the license payload is not base64url")
            }
            do {
                return .license(header: header, payload: try JSONParser.parse(payloadBytes))
            } catch {
                throw LicenseError(.malformed, "the license payload is not valid JSON (\(error.description))")
            }
        default:
            throw LicenseError(.malformed, "the text is neither a license (3 parts) nor an envelope (5 parts)")
        }
    }
}
