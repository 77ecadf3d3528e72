import LicenseBusSync

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NATSConnection {
    /// The I/O thread: connect, run the session, reconnect over the pool until closed.
    func runIOThread() {
        var pool = ServerPool(
            self.configuration.servers,
            randomize: !self.configuration.noRandomize,
            maxAttempts: self.configuration.maxReconnectAttempts
        )
        var hasConnected = false
        var failuresInPass = 0
        var lastError = NATSError(.connectionFailed, "no server could be reached")
        while !self.isClosed {
            guard let server = pool.next() else {
                self.perform(self.state.withLock { $0.close(reason: lastError) })
                break
            }
            if let last = server.lastAttempt {
                let pause =
                    server.lastAuthError == nil
                    ? self.configuration.reconnectWait
                    : self.configuration.authErrorRetryWait ?? self.configuration.reconnectWait
                let wait = pause - last.duration(to: .now)
                let maxJitter =
                    self.configuration.wantsTLS
                    ? self.configuration.reconnectJitterTLS : self.configuration.reconnectJitter
                let jitter = Duration.nanoseconds(Int64.random(in: 0...max(0, maxJitter.nanoseconds)))
                if wait > .zero { self.sleep(wait + jitter) }
                if self.isClosed { break }
            }
            pool.attempted(server.url, at: .now)
            do {
                let session = try self.openSession(to: server.url)
                pool.succeeded(server.url)
                hasConnected = true
                failuresInPass = 0
                let error = self.run(session, pool: &pool)
                lastError = error
                self.perform(self.state.withLock { $0.didDisconnect(error) })
            } catch {
                if self.isClosed { break }
                lastError = error
                failuresInPass += 1
                self.eventContinuation.yield(.connectFailed(server.url.description, error))
                let repeatedAuthError = pool.failed(server.url, error: error)
                let needsOperator =
                    error.code == .authorizationViolation || error.isTLSVerificationFailure
                    || error.code == .invalidConfiguration
                let firstPassFailed =
                    !hasConnected && !self.configuration.retryOnFailedConnect
                    && (failuresInPass >= pool.entries.count || needsOperator)
                if (repeatedAuthError && self.configuration.authErrorRetryWait == nil) || firstPassFailed {
                    self.perform(self.state.withLock { $0.close(reason: error) })
                    break
                }
            }
        }
        self.finishIOThread()
    }

    private func finishIOThread() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.ioFinished = true
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Sleeps up to `duration`, waking early when the connection is closed.
    private func sleep(_ duration: Duration) {
        let deadline = ContinuousClock.now.advanced(by: duration)
        while !self.isClosed {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return }
            var descriptor = pollfd(fd: self.wake.readDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, milliseconds(remaining)) > 0 { self.wake.drain() }
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
