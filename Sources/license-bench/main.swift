#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// license-bench: speed figures, printed one line each (docs/benchmarks.md says how to run them).
//
//   license-bench crypto [SECONDS]   license verify / envelope open rates (default 2 s per figure)
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "crypto":
    let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 2 : 2
    do {
        try CryptoBenchmark.run(secondsPerFigure: seconds)
    } catch {
        print("license-bench: \(error)")
        exit(1)
    }
default:
    print("usage: license-bench crypto [SECONDS]")
    exit(2)
}
