import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusJSON
import LicenseBusNATS
import LicenseClient

/// The distribution figures of issue 4, against `$NATS_URL` (a broker without auth), with the
/// real `license-server` executable (found next to this one) as a child process.
enum DistributionBenchmark {
    static func run(clients fanOut: Int) async throws {
        raiseFileLimit()
        let url = ProcessInfo.processInfo.environment["NATS_URL"] ?? "nats://127.0.0.1:4222"
        let folder = NSTemporaryDirectory() + "license-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let vendor = try RSAPrivateKey.generate(bits: 2048)
        try vendor.publicKey.pemEncoded().write(toFile: folder + "/vendor.pem", atomically: true, encoding: .utf8)
        let ringText = String(
            decoding: try DistributionKeyRing.makeEntryText(id: "bench").withUnsafeBytes { Array($0) },
            as: UTF8.self
        )
        try ringText.write(toFile: folder + "/ring", atomically: true, encoding: .utf8)
        let claims: [String: JSONValue] = [
            "iss": .string("https://vendor.example"), "aud": .string("ai-agent-os"), "sub": .string("c"),
            "jti": .string("lic-bench"), "iat": .integer(Int64(Date().timeIntervalSince1970) - 10),
            "edition": .string("enterprise"), "features": .array([.string("sso")]),
        ]
        let token = try LicenseSigner.sign(claims: claims, key: vendor, keyID: "vendor")
        try token.write(toFile: folder + "/license.jwt", atomically: true, encoding: .utf8)
        let trusted = try VendorKeySet([(id: "vendor", key: vendor.publicKey)])
        let ring = try DistributionKeyRing(parsing: ringText)

        // Fan-out first: the clients wait as community, then the server's start-up publish reaches them all.
        let waiting = try await startClients(fanOut, folder: folder, url: url, trusted: trusted, ring: ring)
        let server = try startServer(folder: folder, url: url)
        defer { server.terminate() }
        let fanOutStart = ContinuousClock.now
        while !waiting.allSatisfy({ $0.status.state.grants }) {
            try await Task.sleep(for: .milliseconds(1))
            guard ContinuousClock.now - fanOutStart < .seconds(60) else {
                throw NATSError(.timeout, "fan-out did not finish")
            }
        }
        print(
            "swift fanout clients=\(fanOut) ms_to_all_enterprise=\(format(milliseconds(ContinuousClock.now - fanOutStart)))"
        )
        for client in waiting { await client.stop() }

        let busTimes = try await timeStarts(folder: folder, url: url, trusted: trusted, ring: ring)
        print(
            "swift start_to_enterprise source=bus runs=20 p50_ms=\(format(percentile(busTimes, 50))) p90_ms=\(format(percentile(busTimes, 90)))"
        )
        // The same key files again, now with no broker at all.
        let fileTimes = try await timeStarts(folder: folder, url: "nats://127.0.0.1:1", trusted: trusted, ring: ring)
        print(
            "swift start_to_enterprise source=key_file broker=down runs=20 p50_ms=\(format(percentile(fileTimes, 50))) p90_ms=\(format(percentile(fileTimes, 90)))"
        )

        let gate = try makeClient(
            folder: folder + "/bus-0",
            url: "nats://127.0.0.1:1",
            trusted: trusted,
            ring: ring,
            wait: .seconds(1)
        )
        gate.loadLocal(readOnly: true)
        let calls = 5_000_000
        var granted = 0
        let start = ContinuousClock.now
        for _ in 0..<calls where gate.allows("sso") { granted += 1 }
        let perCall =
            Double((ContinuousClock.now - start).components.attoseconds) / 1e9 / Double(calls)
            + Double((ContinuousClock.now - start).components.seconds) * 1e9 / Double(calls)
        precondition(granted == calls)
        print("swift allows calls=\(calls) ns_per_call=\(format(perCall))")
        print("swift license_server_rss_kib=\(residentKiB(of: server.processIdentifier))")
    }

    /// Milliseconds from `start()` to enterprise for 20 clients (their key files kept under `folder`).
    private static func timeStarts(
        folder: String,
        url: String,
        trusted: VendorKeySet,
        ring: DistributionKeyRing
    ) async throws -> [Double] {
        var times: [Double] = []
        for index in 0..<20 {
            let client = try makeClient(
                folder: folder + "/bus-\(index)",
                url: url,
                trusted: trusted,
                ring: ring,
                wait: .seconds(5)
            )
            let start = ContinuousClock.now
            await client.start()
            times.append(milliseconds(ContinuousClock.now - start))
            guard client.status.state.grants else { throw NATSError(.timeout, "no license at start (\(url))") }
            await client.stop()
        }
        return times
    }

    private static func makeClient(
        folder: String,
        url: String,
        trusted: VendorKeySet,
        ring: DistributionKeyRing,
        wait: Duration
    ) throws -> LicenseClient {
        LicenseClient(
            configuration: LicenseClientConfiguration(
                trustedKeys: trusted,
                distributionKeys: ring,
                nats: NATSConfiguration(
                    servers: try ServerURL.list(url),
                    reconnectWait: .milliseconds(200),
                    maxReconnectAttempts: nil
                ),
                waitTimeout: wait,
                keyFile: KeyFileLocation(path: folder + "/license.key", rule: .setting),
                audience: "ai-agent-os"
            )
        )
    }

    private static func startClients(
        _ count: Int,
        folder: String,
        url: String,
        trusted: VendorKeySet,
        ring: DistributionKeyRing
    ) async throws -> [LicenseClient] {
        var clients: [LicenseClient] = []
        for index in 0..<count {
            let client = try makeClient(
                folder: folder + "/fan-\(index)",
                url: url,
                trusted: trusted,
                ring: ring,
                wait: .milliseconds(1)
            )
            await client.start()
            clients.append(client)
        }
        try await Task.sleep(for: .seconds(1))  // every connection up and subscribed
        return clients
    }

    private static func startServer(folder: String, url: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("license-server")
        process.environment = [
            "NATS_URL": url, "LICENSE_FILE": folder + "/license.jwt",
            "LICENSE_VENDOR_PUBLIC_KEY": folder + "/vendor.pem",
            "LICENSE_DISTRIBUTION_KEY_FILE": folder + "/ring", "LICENSE_AUDIENCE": "ai-agent-os",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func residentKiB(of pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    private static func raiseFileLimit() {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private static func percentile(_ values: [Double], _ percent: Double) -> Double {
        let sorted = values.sorted()
        return sorted[max(0, Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1)]
    }

    private static func format(_ value: Double) -> String { String((value * 100).rounded() / 100) }
}
