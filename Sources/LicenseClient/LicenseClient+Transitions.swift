internal import LicenseBusCore
import Synchronization

extension LicenseClient {
    /// Tells watchers when `exp` or `exp + grace` changes the state by itself, and keeps the
    /// clock memory moving. The state itself is always derived at read time; this only notifies.
    func startTransitionWatch() {
        self.addTask {
            while !Task.isCancelled {
                let now = LicenseTiming.seconds(self.configuration.now())
                let next = self.state.withLock { $0.license?.claims.nextTransition(afterSeconds: now) }
                let wait = min(next.map { $0 - now } ?? 3600, 3600)
                try? await Task.sleep(for: .seconds(max(1, wait)))
                self.rememberTime(LicenseTiming.seconds(self.configuration.now()))
                self.notifyIfChanged()
            }
        }
    }
}
