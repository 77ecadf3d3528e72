import LicenseBusNATS

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The natsbench modes (../shared/natsbench/README.md): pub, pubsub, reqrep, against `NATS_URL`.
enum NATSBenchmark {
    static func run(mode: String, count: Int, size: Int) async throws {
        let url = String(cString: getenv("NATS_URL") ?? strdup("nats://127.0.0.1:4222"))
        let configuration = NATSConfiguration(servers: try ServerURL.list(url), subscriptionBufferLimit: Int.max / 2)
        let payload = [UInt8](repeating: 0x61, count: size)
        switch mode {
        case "pub": try await publish(configuration, count: count, payload: payload)
        case "pubsub": try await publishSubscribe(configuration, count: count, payload: payload)
        case "reqrep": try await requestReply(configuration, count: count, payload: payload)
        default: throw NATSError(.invalidConfiguration, "unknown mode \(mode)")
        }
    }

    /// Publishes, waiting for the buffer to drain when it is full (publish never blocks).
    static func publishAll(_ connection: NATSConnection, subject: String, count: Int, payload: [UInt8]) async throws {
        var sent = 0
        while sent < count {
            if publishOne(connection, subject: subject, payload: payload) {
                sent += 1
            } else {
                try await connection.flush()
            }
        }
        try await connection.flush(timeout: .seconds(120))
    }

    static func publish(_ configuration: NATSConfiguration, count: Int, payload: [UInt8]) async throws {
        let connection = try await NATSConnection.connect(configuration)
        let start = ContinuousClock.now
        try await publishAll(connection, subject: "bench.pub", count: count, payload: payload)
        let seconds = seconds(since: start)
        print(
            "swift pub n=\(count) size=\(payload.count) msgs_per_s=\(Int(Double(count) / seconds)) "
                + "mb_per_s=\(format(Double(count * payload.count) / seconds / 1e6))"
        )
        await connection.close()
    }

    static func publishSubscribe(_ configuration: NATSConfiguration, count: Int, payload: [UInt8]) async throws {
        let subscriber = try await NATSConnection.connect(configuration)
        let publisher = try await NATSConnection.connect(configuration)
        let subscription = try subscriber.subscribe(to: "bench.pubsub")
        try await subscriber.flush()
        let start = ContinuousClock.now
        let receiver = Task {
            var received = 0
            for await _ in subscription {
                received += 1
                if received == count { break }
            }
            return received
        }
        try await publishAll(publisher, subject: "bench.pubsub", count: count, payload: payload)
        let received = await receiver.value
        let seconds = seconds(since: start)
        guard received == count else { throw NATSError(.timeout, "received \(received) of \(count)") }
        print(
            "swift pubsub n=\(count) size=\(payload.count) msgs_per_s=\(Int(Double(count) / seconds)) "
                + "mb_per_s=\(format(Double(count * payload.count) / seconds / 1e6))"
        )
        await publisher.close()
        await subscriber.close()
    }

    static func requestReply(_ configuration: NATSConfiguration, count: Int, payload: [UInt8]) async throws {
        // The responder writes its replies itself, as bench_c's responder does (libnats SendAsap),
        // from a handler on its I/O thread, as bench_c's answers from its subscription's callback.
        var replier = configuration
        replier.sendImmediately = true
        let responder = try await NATSConnection.connect(replier)
        let requester = try await NATSConnection.connect(configuration)
        _ = try responder.subscribe(to: "bench.reqrep") { request in
            if let reply = request.replyTo { try? responder.publish(request.payload, to: reply) }
        }
        try await responder.flush()
        for _ in 0..<100 { _ = try await requester.request(payload, to: "bench.reqrep") }
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        for _ in 0..<count {
            let start = ContinuousClock.now
            _ = try await requester.request(payload, to: "bench.reqrep")
            latencies.append(seconds(since: start) * 1e6)
        }
        let sorted = latencies.sorted()
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        print(
            "swift reqrep n=\(count) size=\(payload.count) mean_us=\(format(mean)) "
                + "p50_us=\(format(nearestRank(sorted, 50))) p99_us=\(format(nearestRank(sorted, 99)))"
        )
        await requester.close()
        await responder.close()
    }

    /// Publishes one message; false when the buffer is full (other errors end the benchmark).
    static func publishOne(_ connection: NATSConnection, subject: String, payload: [UInt8]) -> Bool {
        do {
            try connection.publish(payload, to: subject)
            return true
        } catch {
            precondition(error.code == .bufferFull, "publish failed: \(error)")
            return false
        }
    }

    /// The nearest-rank percentile of sorted values.
    static func nearestRank(_ sorted: [Double], _ percent: Double) -> Double {
        sorted[max(0, Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1)]
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
