import Dispatch
import LicenseBusSync
import Testing

@Suite("Locked: the project's lock")
struct LockedTests {
    @Test("four threads adding under the lock lose no update")
    func noLostUpdates() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50_000 {
                // Read, then write back: without mutual exclusion, updates would be lost.
                counter.withLock { value in
                    let read = value
                    value = read + 1
                }
            }
        }
        #expect(counter.withLock { $0 } == 200_000)
    }

    @Test("withLock returns what its body returns and passes its typed error on, leaving the lock free")
    func resultAndError() {
        struct Refused: Error {}
        let names = Locked<[String]>([])
        let count = names.withLock { names in
            names.append("a")
            return names.count
        }
        #expect(count == 1)
        #expect(throws: Refused.self) {
            try names.withLock { (_: inout [String]) throws(Refused) -> Void in throw Refused() }
        }
        #expect(names.withLock { $0 } == ["a"])
    }
}
