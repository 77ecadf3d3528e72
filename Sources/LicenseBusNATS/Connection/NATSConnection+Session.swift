import LicenseBusSync

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connected socket with its parser, and operations read after the handshake's PONG.
struct Session {
    let stream: ServerStream
    let server: ServerURL
    /// The INFO as of the end of the handshake.
    let info: ServerInfo
    var parser: ProtocolParser
    var leftover: [ServerOperation]
}

extension NATSConnection {
    private static let readBufferSize = 64 * 1024

    /// Runs a connected session until the socket fails or the connection closes.
    /// - Returns: Why it ended.
    func run(_ session: Session, pool: inout ServerPool) -> NATSError {
        var session = session
        var inflight: [UInt8] = []
        var written = 0
        var readBuffer = [UInt8](repeating: 0, count: Self.readBufferSize)
        var operations: [ServerOperation] = []
        let interval = self.configuration.pingInterval
        var nextPing = ContinuousClock.now.advanced(by: interval)
        self.discover(session.info.connectURLs, pool: &pool, server: session.server)
        if let error = self.apply(taking: &session.leftover, pool: &pool, server: session.server) { return error }
        var holdsWriter = false
        self.state.withLock { $0.startSession(directSocket: session.stream.plainSocket) }
        // While a coalescing window is open, publishes gather in the queue until it ends.
        var gatheringUntil: MonotonicTime?
        while true {
            if written == inflight.count {
                inflight.removeAll(keepingCapacity: true)
                written = 0
                let closed = self.state.withLock { state -> Bool in
                    let afterBatch = holdsWriter
                    if holdsWriter { state.releaseWriter() }
                    gatheringUntil = state.gatheringDeadline(at: .now, afterBatch: afterBatch)
                    holdsWriter = gatheringUntil == nil && state.takeQueue(into: &inflight, written: &written)
                    return state.isClosed
                }
                if closed {
                    session.stream.finish(sending: inflight[written...])
                    return NATSError.closed
                }
            }
            if written < inflight.count || session.stream.hasUnsentOutput {
                let result = inflight.withUnsafeBytes {
                    session.stream.send(UnsafeRawBufferPointer(rebasing: $0[written...]))
                }
                switch result {
                case .done(let count):
                    written += count
                    if count > 0 && written == inflight.count { continue }
                case .wouldBlock: break
                case .failed(let error): return error
                }
            }
            let now = ContinuousClock.now
            if now >= nextPing {
                let stale = self.state.withLock { state -> Bool in
                    if state.pingsOut >= self.configuration.maxPingsOut { return true }
                    state.pingsOut += 1
                    ClientCommand.ping(into: &state.outbound)
                    state.pongWaiters.append(ConnectionState.PongWaiter())
                    return false
                }
                if stale {
                    return NATSError(
                        .staleConnection,
                        "the server did not answer \(self.configuration.maxPingsOut) PINGs"
                    )
                }
                nextPing = now.advanced(by: interval)
                continue
            }
            let mustWrite = written < inflight.count || session.stream.hasUnsentOutput
            var descriptors = [
                pollfd(
                    fd: session.stream.descriptor,
                    events: Int16(POLLIN) | (mustWrite ? Int16(POLLOUT) : 0),
                    revents: 0
                ),
                pollfd(fd: self.wake.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            var timeout = session.stream.hasBufferedInput ? 0 : milliseconds(now.duration(to: nextPing))
            if let gatheringUntil {
                timeout = min(timeout, milliseconds(MonotonicTime.now.duration(to: gatheringUntil)))
            }
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno != EINTR { return NATSError(.connectionFailed, systemError()) }
            if descriptors[1].revents != 0 {
                self.wake.drain()
                // A close must end the session even while a write is stuck behind a full socket.
                if written < inflight.count && self.isClosed {
                    session.stream.finish(sending: inflight[written...])
                    return NATSError.closed
                }
            }
            if descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 || session.stream.hasBufferedInput {
                if let error = self.receive(&session, &readBuffer, &operations, pool: &pool) { return error }
            }
        }
    }

    /// Reads what is there, parses it and applies it. `operations` is scratch space, kept
    /// between reads so that a read does not allocate it.
    private func receive(
        _ session: inout Session,
        _ buffer: inout [UInt8],
        _ operations: inout [ServerOperation],
        pool: inout ServerPool
    ) -> NATSError? {
        for _ in 0..<4 {
            let result = buffer.withUnsafeMutableBytes { session.stream.receive(into: $0) }
            switch result {
            case .wouldBlock: return nil
            case .failed(let error): return error
            case .done(let count):
                let parsed = buffer.withUnsafeBytes { bytes in
                    Result { () throws(NATSError) in
                        try session.parser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<count])) {
                            operations.append($0)
                        }
                    }
                }
                let fatal = self.apply(taking: &operations, pool: &pool, server: session.server)
                operations.removeAll(keepingCapacity: operations.capacity <= 1024)
                if case .failure(let error) = parsed { return error }
                if let fatal { return fatal }
                if count < buffer.count && !session.stream.hasBufferedInput { return nil }
            }
        }
        return nil
    }

    /// Applies server operations to the state, moving them out of `operations`; returns a fatal
    /// error, if one came.
    private func apply(
        taking operations: inout [ServerOperation],
        pool: inout ServerPool,
        server: ServerURL
    )
        -> NATSError?
    {
        guard !operations.isEmpty else { return nil }
        let outcome = self.state.withLock { $0.handle(taking: &operations) }
        self.perform(outcome.effects)
        self.discover(outcome.announcedServers, pool: &pool, server: server)
        return outcome.fatal
    }

    /// Adds servers announced in `connect_urls` to the pool (unless told to ignore them).
    private func discover(_ addresses: [String], pool: inout ServerPool, server: ServerURL) {
        guard !addresses.isEmpty, !self.configuration.ignoreDiscoveredServers else { return }
        let added = pool.addDiscovered(addresses, announcedBy: server)
        if !added.isEmpty { self.eventContinuation.yield(.discoveredServers(added)) }
    }
}
