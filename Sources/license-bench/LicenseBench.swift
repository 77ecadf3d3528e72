#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// license-bench: speed figures, printed one line each (docs/benchmarks.md says how to run them).
///
///     license-bench crypto [SECONDS]            license verify / envelope open rates (default 2 s per figure)
///     license-bench verify-stages [SECONDS [STAGE]]  one RS256 license verify, stage by stage
///     license-bench verify-ratio [SECONDS]      license verify against the RSA operation alone, interleaved
///     license-bench pub|pubsub|reqrep N [SIZE]  NATS client figures against $NATS_URL (natsbench modes)
///     license-bench distribution [CLIENTS]      start-to-enterprise, allows(), fan-out, server RSS ($NATS_URL)
///     license-bench publish-cost [N]            ns per publish on the publishing thread alone (no server)
///     license-bench receive-cost [N]            ns per message received and consumed (a loopback peer, no server)
@main
enum LicenseBench {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "verify-stages":
                try VerifyStagesBenchmark.run(
                    secondsPerFigure: arguments.count > 1 ? Double(arguments[1]) ?? 2 : 2,
                    only: arguments.count > 2 ? arguments[2] : nil
                )
            case "crypto":
                try CryptoBenchmark.run(secondsPerFigure: arguments.count > 1 ? Double(arguments[1]) ?? 2 : 2)
            case "verify-ratio":
                try VerifyRatioBenchmark.run(seconds: arguments.count > 1 ? Double(arguments[1]) ?? 5 : 5)
            case "distribution":
                try await DistributionBenchmark.run(clients: arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000)
            case "publish-cost":
                try await PublishCostBenchmark.run(
                    publishesPerRound: arguments.count > 1 ? Int(arguments[1]) ?? 500_000 : 500_000
                )
            case "receive-cost":
                try await ReceiveCostBenchmark.run(
                    messages: arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
                )
            case "pub", "pubsub", "reqrep":
                guard arguments.count >= 2, let count = Int(arguments[1]), count > 0 else {
                    print("usage: license-bench \(arguments[0]) N [SIZE]")
                    exit(2)
                }
                let size = arguments.count > 2 ? Int(arguments[2]) ?? 16 : 16
                try await NATSBenchmark.run(mode: arguments[0], count: count, size: size)
            default:
                print(
                    "usage: license-bench crypto [SECONDS] | verify-stages [SECONDS [STAGE]] | verify-ratio [SECONDS] | pub N SIZE | pubsub N SIZE | reqrep N [SIZE] | distribution [CLIENTS] | publish-cost [N] | receive-cost [N]"
                )
                exit(2)
            }
        } catch {
            print("license-bench: \(error)")
            exit(1)
        }
    }
}
