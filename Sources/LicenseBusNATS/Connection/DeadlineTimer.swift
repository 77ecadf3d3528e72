import LicenseBusSync

/// One timer for all flush and request deadlines of a connection.
///
/// A single task sleeps until the earliest deadline and reports every id whose deadline has
/// passed; it is restarted only when a deadline earlier than the one it sleeps for arrives.
/// A waiter that finishes is cancelled here in O(1) and its heap entry is dropped when it
/// reaches the top, so the task wakes for live deadlines only: a long run of quick requests
/// costs one wake-up per timeout period, not one per request.
final class DeadlineTimer: Sendable {
    private struct Entry {
        var deadline: ContinuousClock.Instant
        var id: UInt64
    }

    private struct State {
        var heap: [Entry] = []
        /// Ids scheduled and neither cancelled nor reported yet.
        var live: Set<UInt64> = []
        var target: ContinuousClock.Instant?
        var task: Task<Void, Never>?
    }

    private let state = Locked(State())
    private let handler = Locked<(@Sendable ([UInt64]) -> Void)?>(nil)

    init() {}

    /// Sets what is called, outside any lock, with the ids whose deadline passed.
    func onExpiry(_ handler: @escaping @Sendable ([UInt64]) -> Void) {
        self.handler.withLock { $0 = handler }
    }

    /// Reports `id` to the expiry handler at `deadline` (unless stopped first).
    func schedule(_ id: UInt64, at deadline: ContinuousClock.Instant) {
        self.state.withLock { state in
            Self.push(Entry(deadline: deadline, id: id), into: &state.heap)
            state.live.insert(id)
            if let target = state.target, target <= deadline { return }
            state.task?.cancel()
            state.target = deadline
            state.task = Task { [weak self] in await self?.run(until: deadline) }
        }
    }

    /// Forgets `id` (its waiter finished): it will not be reported, nor wake the timer.
    func cancel(_ id: UInt64) {
        _ = self.state.withLock { $0.live.remove(id) }
    }

    /// Stops the timer; nothing more is reported.
    func stop() {
        self.state.withLock { state in
            state.task?.cancel()
            state = State()
        }
    }

    private func run(until first: ContinuousClock.Instant) async {
        var target = first
        while true {
            do {
                try await Task.sleep(until: target, clock: .continuous)
            } catch {
                return
            }
            let (expired, next) = self.state.withLock { state -> ([UInt64], ContinuousClock.Instant?) in
                var expired: [UInt64] = []
                let now = ContinuousClock.now
                // Past deadlines are reported if still live; cancelled entries on top are dropped.
                while let top = state.heap.first, top.deadline <= now || !state.live.contains(top.id) {
                    let id = Self.popMin(from: &state.heap).id
                    if state.live.remove(id) != nil { expired.append(id) }
                }
                state.target = state.heap.first?.deadline
                if state.target == nil { state.task = nil }
                return (expired, state.target)
            }
            if !expired.isEmpty, let handler = self.handler.withLock({ $0 }) { handler(expired) }
            guard let next else { return }
            target = next
        }
    }

    private static func push(_ entry: Entry, into heap: inout [Entry]) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func popMin(from heap: inout [Entry]) -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = parent * 2 + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return top }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
