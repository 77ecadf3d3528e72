import LicenseBusCLI

/// `license-client`: status, fetch, watch (SPEC §8).
@main
enum LicenseClientMain {
    static func main() async {
        await LicenseClientTool.main(arguments: Array(CommandLine.arguments.dropFirst()))
    }
}
