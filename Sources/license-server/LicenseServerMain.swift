import LicenseBusCLI

/// `license-server`: distributes the license over NATS until SIGINT or SIGTERM (SPEC §3, §8).
@main
enum LicenseServerMain {
    static func main() async {
        await LicenseServerCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
    }
}
