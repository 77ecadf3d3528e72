import LicenseBusSync

extension NATSConnection {
    /// Carries out who writes queued bytes: nobody yet, the I/O thread (woken), or this thread
    /// (non-blocking `send`s; what the socket does not take stays in front of the queue).
    func carryOut(_ handoff: consuming ConnectionState.WriteHandoff) {
        switch consume handoff {
        case .none: return
        case .wake: self.wake.signal()
        case .write(var bytes, let start, let socket, let bulk, let generation):
            var sent = start
            var failed = false
            sending: while sent < bytes.count {
                switch bytes.withUnsafeBytes({ socket.send(UnsafeRawBufferPointer(rebasing: $0[sent...])) }) {
                case .done(let count): sent += count
                case .wouldBlock: break sending
                case .failed:
                    failed = true
                    break sending
                }
            }
            // A failed socket is the I/O thread's to notice (its poll reports it); the bytes are lost
            // with it, as queued bytes are on any disconnect.
            let mustWake = self.state.withLock {
                $0.finishDirectWrite(&bytes, sent: failed ? bytes.count : sent, bulk: bulk, generation: generation)
            }
            if mustWake { self.wake.signal() }
        }
    }
}
