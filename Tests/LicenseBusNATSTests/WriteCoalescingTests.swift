import LicenseBusTestSupport
import Testing

@testable import LicenseBusNATS

@Suite("Write coalescing", .timeLimit(.minutes(1)))
struct WriteCoalescingTests {
    private func connectedState(window: Duration) throws -> ConnectionState {
        var state = ConnectionState(configuration: NATSConfiguration(writeCoalescing: window))
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        var inflight: [UInt8] = []
        if state.takeQueue(into: &inflight, releasing: false) { inflight.removeAll() }
        _ = state.takeQueue(into: &inflight, releasing: true)
        return state
    }

    private func publish(_ text: String, _ state: inout ConnectionState) throws -> Bool {
        try Array(text.utf8).withUnsafeBytes {
            try state.enqueuePublish(subject: "s", replyTo: nil, headers: nil, payload: $0)
        }
        return Self.isWake(state.handOff(direct: false, coalescing: true))
    }

    /// A `nats-server`, a publisher with the given window whose I/O thread is idle, and a
    /// subscriber already subscribed to `subject`. After a round trip the publisher's I/O thread is
    /// idle, so its next publish opens a window (one made while it still starts its session is
    /// taken at once). The server is returned so that it lives as long as the caller holds it.
    private func idlePublisher(
        window: Duration,
        to subject: String
    ) async throws -> (NATSServerProcess, NATSConnection, NATSConnection, NATSSubscription) {
        let server = try NATSServerProcess()
        let publisher = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.writeCoalescing = window }
        )
        let subscriber = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try subscriber.subscribe(to: subject)
        try await subscriber.flush()
        try await publisher.flush()
        return (server, publisher, subscriber, subscription)
    }

    private static func isWake(_ handoff: ConnectionState.WriteHandoff) -> Bool {
        if case .wake = handoff { true } else { false }
    }

    @Test("a publish opens a window that later publishes join; bytes that may not wait end it with one wake")
    func window() throws {
        var state = try self.connectedState(window: .seconds(60))
        let opened = MonotonicTime.now
        #expect(try self.publish("1", &state))
        let deadline = state.gatheringDeadline(at: opened, afterBatch: false)
        let end = try #require(deadline)
        #expect(end > opened.advanced(byNanoseconds: 59_000_000_000))
        let afterEnd = state.gatheringDeadline(at: end, afterBatch: false)
        #expect(afterEnd == nil)
        #expect(try !self.publish("2", &state))
        // A flush's PING (or a SUB, an UNSUB, a request) may not wait: the waiting I/O thread is woken.
        #expect(Self.isWake(state.handOff(direct: false)))
        let afterFlush = state.gatheringDeadline(at: opened, afterBatch: false)
        #expect(afterFlush == nil)
        #expect(!Self.isWake(state.handOff(direct: false)))
        var inflight: [UInt8] = []
        #expect(state.takeQueue(into: &inflight, releasing: false))
        #expect(String(decoding: inflight, as: UTF8.self) == "PUB s 1\r\n1\r\nPUB s 1\r\n2\r\n")
        inflight.removeAll()
        #expect(!state.takeQueue(into: &inflight, releasing: true))
        // The next publish opens a new window; taking the queue closes it.
        #expect(try self.publish("3", &state))
        let reopened = state.gatheringDeadline(at: MonotonicTime.now, afterBatch: false)
        #expect(reopened != nil)
        #expect(state.takeQueue(into: &inflight, releasing: false))
        let afterTaking = state.gatheringDeadline(at: MonotonicTime.now, afterBatch: false)
        #expect(afterTaking == nil)
    }

    @Test("no window with a zero setting, and none once the connection is closing")
    func noWindow() throws {
        var immediate = try self.connectedState(window: .zero)
        #expect(try self.publish("1", &immediate))
        let unwindowed = immediate.gatheringDeadline(at: MonotonicTime.now, afterBatch: true)
        #expect(unwindowed == nil)
        var closing = try self.connectedState(window: .seconds(60))
        #expect(try self.publish("1", &closing))
        closing.phase = .closed
        let whileClosing = closing.gatheringDeadline(at: MonotonicTime.now, afterBatch: true)
        #expect(whileClosing == nil)
    }

    @Test(
        "a bulk publisher keeps the socket: a full socket leaves the rest in front, it tries again a batch later, the I/O thread stays out"
    )
    func bulkWriter() throws {
        let server = try FakeServer { connection, _ in _ = try? connection.read(until: "never", timeout: 5) }
        var state = try ConnectionState.sessionWithDirectSocket(
            to: server,
            NATSConfiguration(writeCoalescing: .seconds(60))
        )
        var inflight: [UInt8] = []
        _ = state.takeQueue(into: &inflight, releasing: false)
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        func publish() throws -> ConnectionState.WriteHandoff {
            try payload.withUnsafeBytes {
                try state.enqueuePublish(subject: "s", replyTo: nil, headers: nil, payload: $0)
            }
            return state.handOff(direct: false, coalescing: true)
        }
        // The first publish wakes the idle I/O thread into a window; the one that fills a batch writes it.
        #expect(Self.isWake(try publish()))
        var handoff = try publish()
        var published = 2
        while case .none = handoff {
            handoff = try publish()
            published += 1
        }
        guard case .write(var batch, let from, _, let bulk, let generation) = handoff else {
            Issue.record("the publish that fills a batch should write it")
            return
        }
        #expect(from == 0 && bulk && batch.count >= ConnectionState.callerWriteThreshold)
        // The socket took 100 bytes: the rest stays in front, and the I/O thread need not be woken.
        let expected = String(decoding: batch[100...], as: UTF8.self)
        #expect(!state.finishDirectWrite(&batch, sent: 100, bulk: true, generation: generation))
        #expect(state.unsentText == expected)
        // Within a batch of that, the publisher does not try again; past it, it writes from byte 100.
        let retryAt = state.outbound.count + ConnectionState.callerWriteThreshold
        while state.outbound.count + payload.count + 20 < retryAt {
            guard case .none = try publish() else {
                Issue.record("a publisher tried again before another batch joined the queue")
                return
            }
        }
        // With the first publish's window over, the I/O thread still leaves the queue to the
        // publisher that wrote last, for a window after its write; without that write it takes it.
        state.coalescingUntil = nil
        var withoutBulkWrite = state
        withoutBulkWrite.lastBulkWrite = nil
        let taken = withoutBulkWrite.gatheringDeadline(at: MonotonicTime.now, afterBatch: false)
        #expect(taken == nil)
        let deadline = state.gatheringDeadline(at: MonotonicTime.now, afterBatch: false)
        #expect(deadline.map { $0 > MonotonicTime.now.advanced(byNanoseconds: 59_000_000_000) } == true)
        var retry = try publish()
        while case .none = retry { retry = try publish() }
        guard case .write(var second, let start, _, let secondBulk, let secondGeneration) = retry else {
            Issue.record("the publisher should try again once another batch joined the queue")
            return
        }
        #expect(start == 100 && secondBulk)
        #expect(String(decoding: second[start...], as: UTF8.self).hasPrefix(expected))
        #expect(!state.finishDirectWrite(&second, sent: start + 50, bulk: true, generation: secondGeneration))
        let left = state.unsentText
        // A flush's PING may not wait: the I/O thread takes the queue at once, from where the
        // publisher stopped, with the PING last.
        ClientCommand.ping(into: &state.outbound)
        _ = state.handOff(direct: false)
        let afterFlush = state.gatheringDeadline(at: MonotonicTime.now, afterBatch: true)
        #expect(afterFlush == nil)
        var written = 0
        #expect(state.takeQueue(into: &inflight, written: &written))
        #expect(written == start + 50)
        #expect(String(decoding: inflight[written...], as: UTF8.self) == left + "PING\r\n")
        #expect(published > 30)
    }

    @Test("against nats-server: a lone publish waits out the window; flush and close send what waits at once")
    func live() async throws {
        let window = Duration.milliseconds(1500)
        let (server, publisher, subscriber, subscription) = try await self.idlePublisher(window: window, to: "gathered")
        defer { withExtendedLifetime(server) {} }
        let clock = ContinuousClock()

        let alone = clock.now
        try publisher.publish(Array("alone".utf8), to: "gathered")
        #expect(await subscription.collect(1).map(\.string) == ["alone"])
        #expect(alone.duration(to: clock.now) >= window)

        let flushed = clock.now
        try publisher.publish(Array("flushed".utf8), to: "gathered")
        try await publisher.flush()
        #expect(flushed.duration(to: clock.now) < window / 2)
        #expect(await subscription.collect(1).map(\.string) == ["flushed"])

        try publisher.publish(Array("at close".utf8), to: "gathered")
        let closing = clock.now
        await publisher.close()
        #expect(closing.duration(to: clock.now) < window / 2)
        #expect(await subscription.collect(1).map(\.string) == ["at close"])
        await subscriber.close()
    }

    @Test("a bulk publisher writes a full batch itself: the publish that fills it sends the batch, later ones wait")
    func fullBatch() async throws {
        let window = Duration.seconds(30)
        let (server, publisher, subscriber, subscription) = try await self.idlePublisher(window: window, to: "bulk")
        defer { withExtendedLifetime(server) {} }
        let payload = [UInt8](repeating: UInt8(ascii: "b"), count: 1000)
        let operation = "PUB bulk 1000\r\n".utf8.count + payload.count + 2
        // The publish that brings the queue to the threshold writes all of it; the next one waits.
        let filling = (ConnectionState.callerWriteThreshold + operation - 1) / operation
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0...filling { try publisher.publish(payload, to: "bulk") }
        #expect(await subscription.collect(filling, timeout: window / 2).count == filling)
        #expect(start.duration(to: clock.now) < window / 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(subscription.pendingCount == 0)
        try await publisher.flush()
        #expect(await subscription.collect(1).count == 1)
        await publisher.close()
        await subscriber.close()
    }

    @Test("sendImmediately is never held back, also over TLS, where the I/O thread does every write")
    func sendImmediately() async throws {
        let server = try NATSServerProcess(configuration: tlsServerConfiguration())
        let window = Duration.milliseconds(1500)
        let configure = { (configuration: inout NATSConfiguration) in
            configuration.tlsCAFile = TestCertificates.shared.path("ca.pem")
            configuration.writeCoalescing = window
        }
        let subscriber = try await NATSConnection.connect(
            try testConfiguration("tls://localhost:\(server.port)", configure: configure)
        )
        let subscription = try subscriber.subscribe(to: "at.once")
        try await subscriber.flush()
        let publisher = try await NATSConnection.connect(
            try testConfiguration("tls://localhost:\(server.port)") {
                configure(&$0)
                $0.sendImmediately = true
            }
        )
        try await publisher.flush()
        let clock = ContinuousClock()
        let start = clock.now
        try publisher.publish(Array("now".utf8), to: "at.once")
        #expect(await subscription.collect(1).map(\.string) == ["now"])
        #expect(start.duration(to: clock.now) < window / 2)
        await publisher.close()
        await subscriber.close()
    }
}
