import Testing

@testable import LicenseBusNATS

@Suite("Monotonic time")
struct MonotonicTimeTests {
    @Test("durations convert to nanoseconds: sub-second parts kept, negatives as zero, huge ones saturated")
    func conversion() {
        #expect(MonotonicTime.nanoseconds(in: .milliseconds(1)) == 1_000_000)
        #expect(MonotonicTime.nanoseconds(in: .seconds(2) + .nanoseconds(7)) == 2_000_000_007)
        #expect(MonotonicTime.nanoseconds(in: .zero) == 0)
        #expect(MonotonicTime.nanoseconds(in: .nanoseconds(-5)) == 0)
        #expect(MonotonicTime.nanoseconds(in: .seconds(-3)) == 0)
        #expect(MonotonicTime.nanoseconds(in: .seconds(Int64.max)) == .max)
        // 18,446,744,073 s fit, but not with 0.999999999 s more.
        #expect(MonotonicTime.nanoseconds(in: .seconds(18_446_744_073)) == 18_446_744_073_000_000_000)
        #expect(MonotonicTime.nanoseconds(in: .seconds(18_446_744_073) + .nanoseconds(999_999_999)) == .max)
    }

    @Test("arithmetic saturates, and the duration to an earlier time is zero")
    func arithmetic() {
        let start = MonotonicTime(nanoseconds: 1_000)
        #expect(start.advanced(byNanoseconds: 2_000).nanoseconds == 3_000)
        #expect(start.advanced(byNanoseconds: .max).nanoseconds == .max)
        #expect(start.duration(to: start.advanced(byNanoseconds: 1_500)) == .nanoseconds(1_500))
        #expect(start.advanced(byNanoseconds: 1).duration(to: start) == .zero)
        #expect(start.duration(to: start) == .zero)
    }

    @Test("the clock does not go back, and it advances with ContinuousClock")
    func reading() throws {
        let first = MonotonicTime.now
        let clockStart = ContinuousClock.now
        while ContinuousClock.now - clockStart < .milliseconds(20) {}
        let second = MonotonicTime.now
        #expect(second >= first)
        let elapsed = first.duration(to: second)
        #expect(elapsed >= .milliseconds(19) && elapsed < .seconds(5))
    }
}
