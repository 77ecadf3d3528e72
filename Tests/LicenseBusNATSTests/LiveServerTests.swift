import LicenseBusNATS
import LicenseBusSync
import LicenseBusTestSupport
import Testing

@Suite("Against a real nats-server", .timeLimit(.minutes(1)))
struct LiveServerTests {
    @Test("publish and subscribe, wildcards, reply subjects, statistics")
    func pubSub() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let wildcard = try connection.subscribe(to: "orders.*")
        let tail = try connection.subscribe(to: "orders.>")
        try await connection.flush()
        try connection.publish(Array("one".utf8), to: "orders.new", replyTo: "answers.here")
        try connection.publish([], to: "orders.eu.new")
        let first = await wildcard.collect(1)
        #expect(first.map(\.string) == ["one"])
        #expect(first.first?.replyTo == "answers.here")
        let both = await tail.collect(2)
        #expect(both.map(\.subject) == ["orders.new", "orders.eu.new"])
        #expect(both.last?.payload == [])
        let statistics = connection.statistics
        #expect(statistics.outMessages == 2)
        #expect(statistics.outBytes == 3)
        #expect(statistics.inMessages == 3)
        await connection.close()
    }

    @Test("a payload holding CRLF and one of 1 MiB - 1 KiB arrive intact")
    func payloads() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try connection.subscribe(to: "blob")
        try await connection.flush()
        let tricky = Array("line1\r\nMSG fake 1 3\r\nPING\r\n".utf8)
        let big = (0..<(1_048_576 - 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try connection.publish(tricky, to: "blob")
        try connection.publish(big, to: "blob")
        let received = await subscription.collect(2)
        #expect(received.map(\.payload) == [tricky, big])
        await connection.close()
    }

    @Test("max_payload is refused locally, before anything is sent")
    func maxPayload() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        #expect(connection.serverInfo.maxPayload == 1_048_576)
        let error = #expect(throws: NATSError.self) {
            try connection.publish([UInt8](repeating: 0, count: 1_048_577), to: "too.big")
        }
        #expect(error?.code == .maxPayloadExceeded)
        try await connection.flush()
        #expect(connection.isConnected)
        await connection.close()
    }

    @Test("invalid subjects are refused locally")
    func invalidSubjects() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        for subject in ["", "a b", "a..b", ".a", "a.", "a\r\nPUB x 1"] {
            #expect(throws: NATSError.self) { try connection.publish([], to: subject) }
            #expect(throws: NATSError.self) { try connection.subscribe(to: subject) }
        }
        #expect(throws: NATSError.self) { try connection.subscribe(to: "ok", queue: "bad queue") }
        await connection.close()
    }

    @Test("queue group members share the messages; a plain subscriber gets all")
    func queueGroups() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let memberA = try connection.subscribe(to: "work", queue: "workers")
        let memberB = try connection.subscribe(to: "work", queue: "workers")
        let watcher = try connection.subscribe(to: "work")
        try await connection.flush()
        for index in 0..<200 { try connection.publish(Array("\(index)".utf8), to: "work") }
        try await connection.flush()
        #expect(await watcher.collect(200).count == 200)
        #expect(await eventually { memberA.pendingCount + memberB.pendingCount == 200 })
        #expect(memberA.pendingCount > 0 && memberB.pendingCount > 0)
        await connection.close()
    }

    @Test("auto-unsubscribe after N messages ends the subscription")
    func autoUnsubscribe() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try connection.subscribe(to: "limited")
        subscription.unsubscribe(after: 3)
        try await connection.flush()
        for index in 0..<10 { try connection.publish(Array("\(index)".utf8), to: "limited") }
        let received = await subscription.collect(10, timeout: .seconds(2))
        #expect(received.map(\.string) == ["0", "1", "2"])
        await connection.close()
    }

    @Test(
        "handler subscriptions: in order, a queue group shared, auto-unsubscribe and unsubscribe stop them, a handler answers requests"
    )
    func handlers() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let received = Locked<[String: [String]]>([:])
        func record(_ name: String) -> @Sendable (NATSMessage) -> Void {
            { message in received.withLock { $0[name, default: []].append(message.string) } }
        }
        _ = try connection.subscribe(to: "jobs", queue: "workers", handler: record("worker 1"))
        _ = try connection.subscribe(to: "jobs", queue: "workers", handler: record("worker 2"))
        let limited = try connection.subscribe(to: "jobs", handler: record("limited"))
        limited.unsubscribe(after: 3)
        let all = try connection.subscribe(to: "jobs", handler: record("all"))
        try await connection.flush()
        for index in 0..<50 { try connection.publish(Array("\(index)".utf8), to: "jobs") }
        // Messages before the PONG have been handled when flush returns.
        try await connection.flush()
        var seen = received.withLock { $0 }
        #expect(seen["all"] == (0..<50).map { "\($0)" })
        #expect(seen["limited"] == ["0", "1", "2"])
        #expect((seen["worker 1"]?.count ?? 0) + (seen["worker 2"]?.count ?? 0) == 50)
        all.unsubscribe()
        try connection.publish(Array("late".utf8), to: "jobs")
        try await connection.flush()
        seen = received.withLock { $0 }
        #expect(seen["all"]?.count == 50)
        #expect((seen["worker 1"]?.count ?? 0) + (seen["worker 2"]?.count ?? 0) == 51)

        let responder = try await NATSConnection.connect(try testConfiguration(server.url))
        _ = try responder.subscribe(to: "echo") { request in
            if let reply = request.replyTo { try? responder.publish(Array(request.payload.reversed()), to: reply) }
        }
        try await responder.flush()
        #expect(try await connection.request(Array("abc".utf8), to: "echo").string == "cba")
        await responder.close()
        await connection.close()
    }

    @Test("headers round trip: multi-value keys, case preserved")
    func headers() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try connection.subscribe(to: "with.headers")
        try await connection.flush()
        var headers = NATSHeaders([("X-Trace", "abc"), ("x-trace", "lower"), ("Multi", "1")])
        headers.append("Multi", "2")
        try connection.publish(Array("body".utf8), to: "with.headers", headers: headers)
        try connection.publish([], to: "with.headers", headers: NATSHeaders([("Only", "headers")]))
        let received = await subscription.collect(2)
        #expect(received.first?.headers == headers)
        #expect(received.first?.headers?.values(for: "Multi") == ["1", "2"])
        #expect(received.first?.headers?["x-trace"] == "lower")
        #expect(received.first?.string == "body")
        #expect(received.last?.headers?["Only"] == "headers")
        #expect(received.last?.payload == [])
        #expect(throws: NATSError.self) {
            try connection.publish([], to: "x", headers: NATSHeaders([("Bad:Name", "v")]))
        }
        await connection.close()
    }

    @Test("1,000 concurrent requests each get their own reply")
    func concurrentRequests() async throws {
        let server = try NATSServerProcess()
        let responder = try await NATSConnection.connect(try testConfiguration(server.url))
        let requester = try await NATSConnection.connect(try testConfiguration(server.url))
        let service = try responder.subscribe(to: "echo")
        let serving = Task {
            for await request in service {
                if let reply = request.replyTo { try? responder.publish(request.payload + [33], to: reply) }
            }
        }
        try await responder.flush()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let reply = try await requester.request(Array("\(index)".utf8), to: "echo", timeout: .seconds(20))
                    return reply.string == "\(index)!"
                }
            }
            var correct = 0
            for try await ok in group where ok { correct += 1 }
            #expect(correct == 1000)
        }
        serving.cancel()
        await requester.close()
        await responder.close()
    }

    @Test(
        "sendImmediately: publishers writing from their own threads, big and small, while the I/O thread also writes, lose and reorder nothing"
    )
    func callerWrites() async throws {
        let server = try NATSServerProcess()
        let subscriber = try await NATSConnection.connect(try testConfiguration(server.url))
        let stream = try subscriber.subscribe(to: "direct.>")
        try await subscriber.flush()
        let publisher = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.sendImmediately = true }
        )
        let perTask = 3_000
        // A frozen server reads nothing: the socket fills, sends stop part way, and what is left
        // goes back to the I/O thread while the other tasks keep publishing.
        server.pause()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<3 {
                group.addTask {
                    for index in 0..<perTask {
                        let padding = index % 100 == 0 ? 100_000 : index % 7
                        try publisher.publish(
                            Array("\(index)|".utf8) + [UInt8](repeating: 46, count: padding),
                            to: "direct.\(task)"
                        )
                        if index % 100 == 0 { await Task.yield() }
                    }
                }
            }
            try await group.waitForAll()
        }
        server.resume()
        try await publisher.flush()
        let messages = await stream.collect(3 * perTask, timeout: .seconds(20))
        #expect(messages.count == 3 * perTask)
        var next: [String: Int] = [:]
        var inOrder = true
        for message in messages {
            let index = Int(message.string.prefix { $0 != "|" }) ?? -1
            if index != next[message.subject, default: 0] { inOrder = false }
            next[message.subject] = index + 1
        }
        #expect(inOrder)
        await publisher.close()
        await subscriber.close()
    }

    @Test("no responders fails at once (under 100 ms), not at the timeout")
    func noResponders() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        #expect(connection.serverInfo.headers)
        await connection.expectNoResponders(at: "nobody.home", within: .milliseconds(100))
        await connection.close()
    }

    @Test("a request to a subject the server maps elsewhere gets its reply; no responders there fails at once")
    func mappedSubject() async throws {
        let server = try NATSServerProcess(configuration: "mappings = { \"alias.*\": \"real.$1\" }")
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        _ = try connection.subscribe(to: "real.answer") { request in
            if let reply = request.replyTo { try? connection.publish(Array("from \(request.subject)".utf8), to: reply) }
        }
        try await connection.flush()
        let reply = try await connection.request(Array("q".utf8), to: "alias.answer", timeout: .seconds(2))
        #expect(reply.string == "from real.answer")
        await connection.expectNoResponders(at: "alias.nobody", within: .seconds(1))
        await connection.close()
    }

    @Test("a request without a reply times out; a cancelled one ends at once")
    func timeoutAndCancel() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let silent = try connection.subscribe(to: "silent")
        try await connection.flush()
        let start = ContinuousClock.now
        let error = await #expect(throws: NATSError.self) {
            try await connection.request([], to: "silent", timeout: .milliseconds(300))
        }
        #expect(error?.code == .timeout)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        let task = Task { try await connection.request([], to: "silent", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        let cancelStart = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - cancelStart < .seconds(1))
        #expect((try? result.get()) == nil)
        _ = silent
        await connection.close()
    }

    @Test("user/password and token auth, from settings and from the URL; wrong ones are refused")
    func authentication() async throws {
        let userServer = try NATSServerProcess(arguments: ["--user", "alice", "--pass", "s3cret"])
        let byURL = try await NATSConnection.connect(
            try testConfiguration("nats://alice:s3cret@127.0.0.1:\(userServer.port)")
        )
        try await byURL.flush()
        await byURL.close()
        let bySettings = try await NATSConnection.connect(
            try testConfiguration(userServer.url) {
                $0.user = "alice"
                $0.password = "s3cret"
            }
        )
        try await bySettings.flush()
        await bySettings.close()
        let wrong = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(try testConfiguration("nats://alice:wrong@127.0.0.1:\(userServer.port)"))
        }
        #expect(wrong?.code == .authorizationViolation)
        #expect(wrong?.message.contains("wrong") == false)

        let tokenServer = try NATSServerProcess(arguments: ["--auth", "t0ken"])
        let byToken = try await NATSConnection.connect(
            try testConfiguration("nats://t0ken@127.0.0.1:\(tokenServer.port)")
        )
        try await byToken.flush()
        await byToken.close()
        let badToken = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(try testConfiguration(tokenServer.url) { $0.token = "nope" })
        }
        #expect(badToken?.code == .authorizationViolation)
    }

    @Test("drain: messages already sent for a subscription are still delivered, then it ends and the connection closes")
    func drain() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let publisher = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try connection.subscribe(to: "drained")
        try await connection.flush()
        for index in 0..<500 { try publisher.publish(Array("\(index)".utf8), to: "drained") }
        try await publisher.flush()
        try await connection.drain(timeout: .seconds(5))
        #expect(connection.isClosed)
        var count = 0
        for await _ in subscription { count += 1 }
        #expect(count == 500)
        await publisher.close()
    }

    @Test("close fails pending requests and ends subscriptions; publish after close throws")
    func close() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try connection.subscribe(to: "x")
        _ = try connection.subscribe(to: "silent")
        let pending = Task { try await connection.request([], to: "silent", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        await connection.close()
        #expect((try? await pending.value) == nil)
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        let error = #expect(throws: NATSError.self) { try connection.publish([], to: "x") }
        #expect(error?.code == .connectionClosed)
        await connection.close()
    }
}
