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
        let end = try #require(state.openCoalescingWindow(at: opened))
        #expect(end > opened.advanced(byNanoseconds: 59_000_000_000))
        #expect(state.openCoalescingWindow(at: end) == nil)
        #expect(try !self.publish("2", &state))
        // A flush's PING (or a SUB, an UNSUB, a request) may not wait: the waiting I/O thread is woken.
        #expect(Self.isWake(state.handOff(direct: false)))
        #expect(state.openCoalescingWindow(at: opened) == nil)
        #expect(!Self.isWake(state.handOff(direct: false)))
        var inflight: [UInt8] = []
        #expect(state.takeQueue(into: &inflight, releasing: false))
        #expect(String(decoding: inflight, as: UTF8.self) == "PUB s 1\r\n1\r\nPUB s 1\r\n2\r\n")
        inflight.removeAll()
        #expect(!state.takeQueue(into: &inflight, releasing: true))
        // The next publish opens a new window; taking the queue closes it.
        #expect(try self.publish("3", &state))
        #expect(state.openCoalescingWindow(at: MonotonicTime.now) != nil)
        #expect(state.takeQueue(into: &inflight, releasing: false))
        #expect(state.openCoalescingWindow(at: MonotonicTime.now) == nil)
    }

    @Test("no window with a zero setting, and none once the connection is closing")
    func noWindow() throws {
        var immediate = try self.connectedState(window: .zero)
        #expect(try self.publish("1", &immediate))
        #expect(immediate.openCoalescingWindow(at: MonotonicTime.now) == nil)
        var closing = try self.connectedState(window: .seconds(60))
        #expect(try self.publish("1", &closing))
        closing.phase = .closed
        #expect(closing.openCoalescingWindow(at: MonotonicTime.now) == nil)
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
