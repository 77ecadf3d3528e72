import LicenseBusCLI

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// license-tool: the vendor's tool. See `license-tool --help` and SPEC §8.
let status = LicenseTool.main(
    arguments: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessEnvironment.current()
)
exit(status.rawValue)
