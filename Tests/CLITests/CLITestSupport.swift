import Foundation
import LicenseBusTestSupport

/// Runs the built `license-tool` with a clean environment plus `environment`.
func licenseTool(
    _ arguments: [String],
    environment: [String: String] = [:],
    input: String? = nil
) throws -> ProcessResult {
    try ProcessRunner.run(ProcessRunner.product("license-tool"), arguments, environment: environment, input: input)
}

/// Parses a `--json` line into a dictionary.
func jsonObject(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    guard let dictionary = object as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
    return dictionary
}

/// Sample paths.
enum Sample {
    static let publicKey = Fixtures.samples + "/keys/vendor-test.pem"
    static let privateKey = Fixtures.samples + "/keys/vendor-test-private.pem"
    static func license(_ name: String) -> String { Fixtures.samples + "/licenses/\(name).jwt" }
    static let envelope = Fixtures.samples + "/envelopes/perpetual-enterprise.jwe"
    static var ring: String {
        ((try? Fixtures.text("license-samples/distribution.ring")) ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines
        )
    }
    static let claims = """
        {"iss":"https://vendor.example","aud":"ai-agent-os","sub":"cust-9","jti":"cli-1","iat":\(Int(Date().timeIntervalSince1970)),
         "edition":"enterprise","features":["sso"],"limits":{"max_instances":3},"customer":"CLI Corp","x-extra":true}
        """
}
