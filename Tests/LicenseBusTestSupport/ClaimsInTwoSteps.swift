public import LicenseBusCore
internal import LicenseBusJSON

/// The reference for the one-pass payload decoder (`LicenseClaims(payload:)`): the two steps it
/// replaces, parsing the whole JSON object, then typing its claims, with errors worded as the
/// verifier words them. Used by the unit tests and by `scripts/fuzz.sh`.
public enum ClaimsInTwoSteps {
    /// Decodes `bytes` in two steps.
    /// - Parameter bytes: A license payload.
    /// - Returns: The claims; or the error, or `stale` when the claims' `all` is not the object.
    public static func decode(_ bytes: [UInt8]) -> Result<LicenseClaims, LicenseError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .failure(LicenseError(.malformed, "the license payload is not valid JSON (\(error.description))"))
        }
        guard let object = value.objectValue else {
            return .failure(LicenseError(.malformed, "the license payload is a JSON \(value.typeName), not an object"))
        }
        do {
            let claims = try LicenseClaims(object)
            return claims.all == object ? .success(claims) : .failure(LicenseError(.stale, "all differs"))
        } catch {
            return .failure(error)
        }
    }
}
