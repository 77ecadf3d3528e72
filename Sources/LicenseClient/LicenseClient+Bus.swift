internal import LicenseBusCore
internal import LicenseBusLog
internal import LicenseBusNATS
import LicenseBusSync

extension LicenseClient {
    /// Joins the bus in the background: connect (retrying for ever), subscribe to the subject,
    /// and request `<subject>.get` until a license is held or the start-up wait is over; again
    /// after each reconnect.
    func startBus() {
        let task = Task {
            let configuration = self.configuration
            do {
                var nats = configuration.nats
                nats.retryOnFailedConnect = true
                let connection = try await NATSConnection.connect(nats)
                let stopped = self.state.withLock { state -> Bool in
                    state.connection = connection
                    return state.isStopped
                }
                if stopped {
                    await connection.close()
                    return
                }
                let subscription = try connection.subscribe(to: configuration.subject)
                self.addTask { await self.watchEvents(of: connection) }
                self.addTask {
                    await self.askForLicense(on: connection, until: .now.advanced(by: configuration.waitTimeout))
                }
                for await message in subscription {
                    self.receive(message.string, from: .bus)
                }
            } catch {
                configuration.logger.log(.error, "cannot use NATS: \(error)")
            }
        }
        self.state.withLock { $0.tasks.append(task) }
    }

    func addTask(_ body: @escaping @Sendable () async -> Void) {
        let task = Task { await body() }
        self.state.withLock { $0.tasks.append(task) }
    }

    /// Requests the license until one is held or `deadline` passes (once at least).
    func askForLicense(on connection: NATSConnection, until deadline: ContinuousClock.Instant) async {
        repeat {
            if Task.isCancelled { return }
            let remaining = ContinuousClock.now.duration(to: deadline)
            do {
                let reply = try await connection.request(
                    [],
                    to: self.configuration.subject + ".get",
                    timeout: max(.milliseconds(200), min(remaining, .seconds(2)))
                )
                self.receive(reply.string, from: .bus)
            } catch {
                self.configuration.logger.log(.debug, "license request: \(error)")
                try? await Task.sleep(for: .milliseconds(250))
            }
        } while self.state.withLock({ $0.license == nil }) && ContinuousClock.now < deadline
    }

    /// Asks again after each connection, the first included, so an instance catches up after an
    /// outage, and one that first reaches the broker after its start-up wait (broker down, or its
    /// credentials refused until an operator mended them) need not wait for the next periodic
    /// publish. A failed connect attempt is logged when its error differs from the last one logged
    /// (an outage does not fill the host app's log), and again after the next connection.
    func watchEvents(of connection: NATSConnection) async {
        var failures = ConnectFailureLog()
        for await event in connection.events {
            switch event {
            case .connected, .reconnected:
                failures.connected()
                if case .reconnected(let server) = event {
                    self.configuration.logger.log(.info, "reconnected to NATS", fields: [("server", server)])
                }
                await self.askForLicense(on: connection, until: .now.advanced(by: .seconds(2)))
            case .disconnected(let error):
                self.configuration.logger.log(.info, "NATS disconnected: \(error.message); the license state is kept")
            case .connectFailed(let server, let error):
                failures.failed(error, server: server, logger: self.configuration.logger)
            default: break
            }
        }
    }

    /// Asks the bus now, even when a valid license is held, and waits for the first envelope that
    /// is accepted or repeats the license held, or for `timeout`. Starts the bus if needed.
    /// - Parameter timeout: The longest wait.
    /// - Returns: What each envelope heard meanwhile led to: `accepted`, `repeat` or a reason code.
    public func fetch(timeout: Duration) async -> [String] {
        if self.state.withLock({ $0.connection == nil && $0.tasks.isEmpty }) { self.startBus() }
        let recorder = FetchRecorder()
        let id = UInt64.random(in: 0...UInt64.max)
        self.state.withLock { $0.fetches[id] = recorder }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let asking = Task {
            while !Task.isCancelled {
                if let connection = self.state.withLock({ $0.connection }) {
                    await self.askForLicense(on: connection, until: .now)
                    try? await Task.sleep(for: .milliseconds(500))
                } else {
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            self.finishFetch(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.state.withLock { state -> Bool in
                if recorder.isDone { return true }
                recorder.continuation = continuation
                return false
            }
            if done { continuation.resume() }
        }
        asking.cancel()
        timer.cancel()
        return self.state.withLock { _ in recorder.outcomes }
    }

    /// Notes an envelope's outcome for the fetches in progress; `accepted` or `repeat` ends them.
    func recordFetchOutcome(_ outcome: String) {
        let finished = self.state.withLock { state -> [UInt64] in
            for recorder in state.fetches.values { recorder.outcomes.append(outcome) }
            return outcome == "accepted" || outcome == "repeat" ? Array(state.fetches.keys) : []
        }
        finished.forEach(self.finishFetch)
    }

    private func finishFetch(_ id: UInt64) {
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let recorder = state.fetches.removeValue(forKey: id) else { return nil }
            recorder.isDone = true
            defer { recorder.continuation = nil }
            return recorder.continuation
        }
        continuation?.resume()
    }
}
