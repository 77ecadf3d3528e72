import LicenseBusCLI
import LicenseBusCore
import LicenseBusLog
import LicenseClient

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An example host app: links `LicenseClient`, gates two features on it, and prints when it
/// turns enterprise or back. Settings come from the environment (SPEC §7); the vendor key is
/// compiled in, as every host app must do (see docs/integration-guide.md).
@main
enum ExampleApp {
    /// The vendor's public key, compiled into the app. THIS IS THE TEST-ONLY SAMPLE KEY of
    /// license-samples/: a real host app embeds its vendor's production key instead.
    static let vendorKeyID = "vendor-test"
    static let vendorKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2nGg0IlYsn/yFUo5bw/S
        0tx5vvUHyyQi3kzHapAXAVRBiz63W2z+QI9Six8AsgTPGsFDciVi2Kyr2SerIHhI
        dNaXkqg3NdLgzwQkTPKve+W/DRm6CMXEoNJgTeHL0Kv42G6MFGZET8AbsC1NszjY
        PW5OXJ5uCky72ClFK3fBUCSLsZ+6TqKeYg77kdd5dFESqMBQSepTJN+0ZD26jEaI
        XV+U22Gzla+hUItx1UDXRJKf/cIgaBifT4XJ7qgKtNxM7NGiQ8w+q5sR/YlyPRxe
        L3F5d2/Bqip1e1q+mI520+hoc/0/ZOTAz1O0sf8pN7KjV6O6LAJI7DqSuZOThN6a
        XQIDAQAB
        -----END PUBLIC KEY-----
        """

    static func main() async {
        let logger = Logger(label: "example-app", sink: StandardErrorLogSink(), minimumLevel: .warning)
        let client: LicenseClient
        do {
            let environment = ProcessEnvironment.current()
            let settings = Settings(environment: environment)
            let trusted = try VendorKeySet(pems: [(id: vendorKeyID, pem: vendorKeyPEM)])
            client = LicenseClient(
                configuration: try LicenseClientConfiguration.fromSettings(
                    settings,
                    trustedKeys: trusted,
                    home: environment["HOME"],
                    logger: logger
                )
            )
        } catch {
            Terminal(program: "example-app").report(error)
            exit(2)
        }
        let printing = Task {
            for await status in client.changes() {
                let features = ["sso", "audit-log"].map { "\($0)=\(client.allows($0) ? "on" : "off")" }
                var line = "example-app: \(status.state.name)"
                if let reason = status.state.reason { line += " [\(reason)]" }
                line += " license=\(status.license?.claims.licenseID ?? "-") " + features.joined(separator: " ")
                print(line)
                fflush(stdout)
            }
        }
        await client.start()
        await TerminationSignals.wait()
        await client.stop()
        printing.cancel()
    }
}
