import LicenseBusSync

extension NATSConnection {
    /// Carries out who writes queued bytes: nobody yet, the I/O thread (woken), or this thread
    /// (one non-blocking `send`; what the socket does not take goes back to the I/O thread).
    func carryOut(_ handoff: ConnectionState.WriteHandoff) {
        switch handoff {
        case .none: return
        case .wake: self.wake.signal()
        case .write(let bytes, let socket, let generation):
            var sent = 0
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
            let unsent = failed ? bytes.count : sent
            let mustWake = self.state.withLock {
                $0.finishDirectWrite(bytes, unsent: unsent, generation: generation)
            }
            if mustWake { self.wake.signal() }
        }
    }
}
