import Foundation
import LicenseBusNATS
import LicenseBusSync
import LicenseBusTestSupport
import Testing

@Suite("Reconnect, resubscribe, discovered servers", .timeLimit(.minutes(1)))
struct ReconnectTests {
    @Test(
        "server restarted on the same port: resubscribed with queue groups and remaining counts; publishes made during the outage are delivered"
    )
    func restart() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let plain = try connection.subscribe(to: "updates")
        let queued = try connection.subscribe(to: "jobs", queue: "workers")
        let limited = try connection.subscribe(to: "limited")
        limited.unsubscribe(after: 3)
        let handled = Locked<[String]>([])
        _ = try connection.subscribe(to: "updates") { message in handled.withLock { $0.append(message.string) } }
        try await connection.flush()
        try connection.publish(Array("before".utf8), to: "limited")
        #expect(await limited.collect(1).map(\.string) == ["before"])

        server.crash()
        #expect(await eventually { !connection.isConnected })
        for index in 0..<5 { try connection.publish(Array("during-\(index)".utf8), to: "updates") }
        try server.restart()
        #expect(await eventually(timeout: .seconds(10)) { connection.isConnected })
        try await connection.flush()

        #expect(await plain.collect(5).map(\.string) == (0..<5).map { "during-\($0)" })
        #expect(handled.withLock { $0 } == (0..<5).map { "during-\($0)" })
        // The queue group survived: a second member on another connection shares the work.
        let other = try await NATSConnection.connect(try testConfiguration(server.url))
        let otherMember = try other.subscribe(to: "jobs", queue: "workers")
        try await other.flush()
        for index in 0..<100 { try connection.publish(Array("\(index)".utf8), to: "jobs") }
        try await connection.flush()
        #expect(await eventually { queued.pendingCount + otherMember.pendingCount == 100 })
        #expect(queued.pendingCount > 0 && otherMember.pendingCount > 0)
        // Two of the three allowed messages remain after the reconnect.
        for index in 0..<5 { try connection.publish(Array("after-\(index)".utf8), to: "limited") }
        #expect(await limited.collect(5, timeout: .seconds(2)).map(\.string) == ["after-0", "after-1"])
        #expect(connection.statistics.reconnects == 1)
        await other.close()
        await connection.close()
    }

    @Test("a bulk publisher across a broker crash: the new session's stream stays whole")
    func bulkPublisherAcrossCrash() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let payload = [UInt8](repeating: UInt8(ascii: "b"), count: 200)
        // Full speed, so batches are written by the publisher, often into a full socket.
        let publishing = Task.detached {
            var published = 0
            while !Task.isCancelled {
                do {
                    try connection.publish(payload, to: "bulk")
                    published += 1
                } catch {
                    try? await Task.sleep(for: .milliseconds(1))  // the reconnect buffer is full
                }
            }
            return published
        }
        try await Task.sleep(for: .milliseconds(200))
        server.crash()
        #expect(await eventually { !connection.isConnected })
        try server.restart()
        #expect(await eventually(timeout: .seconds(10)) { connection.isConnected })
        try await Task.sleep(for: .milliseconds(200))
        publishing.cancel()
        let published = await publishing.value
        // A torn or repeated operation would make the server drop the connection: it must still
        // be on its first reconnect, and what it sends now must arrive.
        let subscriber = try await NATSConnection.connect(try testConfiguration(server.url))
        let marks = try subscriber.subscribe(to: "mark")
        try await subscriber.flush()
        try connection.publish(Array("end".utf8), to: "mark")
        try await connection.flush(timeout: .seconds(10))
        #expect(await marks.collect(1).map(\.string) == ["end"])
        #expect(connection.statistics.reconnects == 1)
        #expect(published > 10_000)
        await subscriber.close()
        await connection.close()
    }

    @Test("events tell connected, disconnected, reconnected and closed, in order")
    func events() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        server.crash()
        #expect(await eventually { !connection.isConnected })
        try server.restart()
        #expect(await eventually(timeout: .seconds(10)) { connection.isConnected })
        await connection.close()
        var kinds: [String] = []
        for await event in connection.events {
            switch event {
            case .connected: kinds.append("connected")
            case .disconnected: kinds.append("disconnected")
            case .reconnected: kinds.append("reconnected")
            case .closed(let reason):
                kinds.append("closed")
                #expect(reason == nil)
            default: break
            }
        }
        #expect(kinds == ["connected", "disconnected", "reconnected", "closed"])
    }

    @Test("a server that stays down leaves the pool after maxReconnectAttempts failures; the empty pool closes")
    func maxReconnectAttempts() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.maxReconnectAttempts = 3 }
        )
        server.stop()
        #expect(await eventually(timeout: .seconds(5)) { connection.isClosed })
        var failedAttempts = 0
        var closedWith: NATSError?
        for await event in connection.events {
            switch event {
            case .connectFailed: failedAttempts += 1
            case .closed(let reason): closedWith = reason
            default: break
            }
        }
        #expect(failedAttempts == 3)
        #expect(closedWith?.code == .connectionFailed, "\(String(describing: closedWith))")
    }

    @Test(
        "a request pending while the connection drops waits out its timeout; one made after the reconnect is answered"
    )
    func requestAcrossReconnect() async throws {
        let server = try NATSServerProcess()
        let responder = try await NATSConnection.connect(try testConfiguration(server.url))
        _ = try responder.subscribe(to: "answer") { request in
            if let reply = request.replyTo, request.payload != Array("hold".utf8) {
                try? responder.publish(Array("ok".utf8), to: reply)
            }
        }
        try await responder.flush()
        let requester = try await NATSConnection.connect(try testConfiguration(server.url))
        let start = ContinuousClock.now
        let pending = Task { try await requester.request(Array("hold".utf8), to: "answer", timeout: .seconds(2)) }
        try await Task.sleep(for: .milliseconds(200))
        server.crash()
        try server.restart()
        let error = await #expect(throws: NATSError.self) { try await pending.value }
        #expect(error?.code == .timeout)
        #expect(ContinuousClock.now - start >= .milliseconds(1900), "ended after \(ContinuousClock.now - start)")
        #expect(await eventually(timeout: .seconds(10)) { requester.isConnected && responder.isConnected })
        try await responder.flush()
        let reply = try await requester.request(Array("now".utf8), to: "answer", timeout: .seconds(2))
        #expect(reply.string == "ok")
        await requester.close()
        await responder.close()
    }

    @Test("the reconnect buffer is bounded: publishes past it fail with buffer_full")
    func reconnectBuffer() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.reconnectBufferSize = 1024 }
        )
        server.crash()
        #expect(await eventually { !connection.isConnected })
        var accepted = 0
        var lastError: NATSError?
        for _ in 0..<100 {
            do {
                try connection.publish([UInt8](repeating: 1, count: 100), to: "buffered")
                accepted += 1
            } catch {
                lastError = error
                break
            }
        }
        #expect(accepted > 0 && accepted < 10)
        #expect(lastError?.code == .bufferFull)
        await connection.close()
    }

    @Test("retry on failed connect: starts with no server, connects when one appears")
    func retryOnFailedConnect() async throws {
        let server = try NATSServerProcess()
        let port = server.port
        server.stop()
        let connection = try await NATSConnection.connect(
            try testConfiguration("nats://127.0.0.1:\(port)") { $0.retryOnFailedConnect = true }
        )
        #expect(!connection.isConnected)
        let subscription = try connection.subscribe(to: "later")
        try connection.publish(Array("queued".utf8), to: "later")
        try server.restart()
        #expect(await eventually(timeout: .seconds(10)) { connection.isConnected })
        #expect(await subscription.collect(1).map(\.string) == ["queued"])
        await connection.close()
    }

    @Test("a server at its connection limit: the first connect fails naming it; with retry, a freed slot is taken")
    func maximumConnections() async throws {
        let server = try NATSServerProcess(configuration: "max_connections: 1")
        let holder = try await NATSConnection.connect(try testConfiguration(server.url))
        let error = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(try testConfiguration(server.url))
        }
        #expect(error?.code == .serverError)
        #expect(
            error?.message.lowercased().contains("maximum connections exceeded") == true,
            "\(String(describing: error))"
        )
        let waiting = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.retryOnFailedConnect = true }
        )
        let subscription = try waiting.subscribe(to: "slot")
        try await Task.sleep(for: .milliseconds(500))  // several refused attempts
        #expect(!waiting.isConnected && !waiting.isClosed)
        await holder.close()
        #expect(await eventually(timeout: .seconds(10)) { waiting.isConnected })
        try waiting.publish(Array("in".utf8), to: "slot")
        #expect(await subscription.collect(1).map(\.string) == ["in"])
        await waiting.close()
    }

    @Test("without retry, a first connect to nothing fails with connection_failed")
    func firstConnectFails() async throws {
        let server = try NATSServerProcess()
        let port = server.port
        server.stop()
        let start = ContinuousClock.now
        let error = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(try testConfiguration("nats://127.0.0.1:\(port)"))
        }
        #expect(error?.code == .connectionFailed)
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test("three-node cluster: the connected node dies, the client continues on a discovered one")
    func cluster() async throws {
        let seed = try NATSServerProcess(arguments: ["--cluster_name", "lb", "--cluster", "nats://127.0.0.1:-1"])
        let routePort = try #require(await Self.routePort(of: seed))
        let route = "nats://127.0.0.1:\(routePort)"
        let second = try NATSServerProcess(arguments: [
            "--cluster_name", "lb", "--cluster", "nats://127.0.0.1:-1", "--routes", route,
        ])
        let third = try NATSServerProcess(arguments: [
            "--cluster_name", "lb", "--cluster", "nats://127.0.0.1:-1", "--routes", route,
        ])
        // Only the seed is given; the others must be discovered from INFO connect_urls.
        let connection = try await NATSConnection.connect(try testConfiguration(seed.url))
        #expect(
            await eventually(timeout: .seconds(10)) {
                let info = connection.serverInfo
                return info.connectURLs.count >= 3
            }
        )
        let subscription = try connection.subscribe(to: "cluster.news")
        try await connection.flush()
        let seedID = connection.serverInfo.serverID
        seed.crash()
        #expect(
            await eventually(timeout: .seconds(10)) { connection.statistics.reconnects == 1 && connection.isConnected }
        )
        #expect(connection.serverInfo.serverID != seedID)
        try await connection.flush()
        let publisher = try await NATSConnection.connect(try testConfiguration(third.url))
        #expect(
            await eventually(timeout: .seconds(5)) {
                try? publisher.publish(Array("still here".utf8), to: "cluster.news")
                return subscription.pendingCount > 0
            }
        )
        #expect(await subscription.collect(1).first?.string == "still here")
        await publisher.close()
        await connection.close()
        _ = second
    }

    /// The cluster (route) port a server reports in its log (waiting up to 5 s for the line).
    static func routePort(of server: NATSServerProcess) async -> Int? {
        var port: Int?
        _ = await eventually {
            let log = (try? Fixtures.textAbsolute(server.folder.path + "/server.log")) ?? ""
            guard let range = log.range(of: "Listening for route connections on ") else { return false }
            port = log[range.upperBound...].prefix { $0 != "\n" }.split(separator: ":").last.flatMap { Int($0) }
            return port != nil
        }
        return port
    }
}
