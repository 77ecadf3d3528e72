import LicenseBusNATS

/// What one publish costs the publishing thread alone: publishes into the reconnect buffer of a
/// connection that has no server, so no socket and no I/O thread take part. Prints the best of
/// several rounds (the VM's noise only adds).
///
/// Run it with glibc keeping freed memory, so that the buffer's pages are not faulted in anew
/// each round: `MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864`.
enum PublishCostBenchmark {
    static func run(publishesPerRound: Int, rounds: Int = 12) async throws {
        var configuration = NATSConfiguration()
        // A port nothing listens on; the connection keeps retrying and buffers every publish.
        configuration.servers = [try ServerURL("nats://127.0.0.1:1")]
        configuration.retryOnFailedConnect = true
        configuration.reconnectBufferSize = 1 << 30
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 16)
        var best = Double.infinity
        for _ in 0..<rounds {
            let connection = try await NATSConnection.connect(configuration)
            let start = ContinuousClock.now
            for _ in 0..<publishesPerRound { try connection.publish(payload, to: "bench.pub") }
            best = min(best, NATSBenchmark.seconds(since: start) * 1e9 / Double(publishesPerRound))
            await connection.close()
        }
        print("swift publish-cost n=\(publishesPerRound) size=16 best_ns_per_publish=\(NATSBenchmark.format(best))")
    }
}
