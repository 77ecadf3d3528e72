@testable import LicenseBusNATS

extension ConnectionState {
    /// The I/O thread's turn at the queue once its batch is written, as `NATSConnection.run`
    /// takes it when no publishes gather: it gives up the writer role it held (`releasing`), then
    /// takes the queue. Bytes a caller already sent are dropped from `inflight`, so it holds
    /// exactly what is left to send.
    mutating func takeQueue(into inflight: inout [UInt8], releasing: Bool) -> Bool {
        if releasing { self.releaseWriter() }
        var written = 0
        let holds = self.takeQueue(into: &inflight, written: &written)
        inflight.removeFirst(written)
        return holds
    }

    /// The queued bytes no writer has sent yet, as text.
    var unsentText: String { String(decoding: self.outbound[self.outboundSent...], as: UTF8.self) }

    /// A connected state whose session lets callers write to a socket connected to `server`.
    static func sessionWithDirectSocket(
        to server: FakeServer,
        _ configuration: NATSConfiguration
    ) throws -> ConnectionState {
        let socket = try TCPSocket.connect(
            host: "127.0.0.1",
            port: server.port,
            timeout: .seconds(2),
            wake: try WakeSignal(),
            isClosed: { false }
        )
        var state = ConnectionState(configuration: configuration)
        _ = state.didConnect(info: ServerInfo(), server: try ServerURL("nats://a:1"))
        state.startSession(directSocket: socket)
        return state
    }
}
