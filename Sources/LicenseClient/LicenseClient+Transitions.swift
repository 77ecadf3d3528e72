internal import LicenseBusCore
import LicenseBusSync

extension LicenseClient {
    /// Tells watchers when `exp` or `exp + grace` changes the state by itself, and keeps the
    /// clock memory moving. The state itself is always derived at read time; this only notifies.
    func startTransitionWatch() {
        self.addTask {
            while !Task.isCancelled {
                let now = self.configuration.currentSeconds()
                let next = self.state.withLock { $0.license?.claims.nextTransition(afterSeconds: now) }
                let wait = min(next.map { $0 - now } ?? 3600, 3600)
                try? await Task.sleep(for: .seconds(max(1, wait)))
                self.rememberTime(self.configuration.currentSeconds())
                self.notifyIfChanged()
            }
        }
    }
}
