#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reading of the monotonic clock, in nanoseconds.
///
/// A fixed-layout stand-in for `ContinuousClock.Instant` in state that every publish touches:
/// that type is resilient (not `@frozen`), so code holding one looks up its metadata and copies it
/// through value witnesses on each call, which cost a publish 7% of its time.
struct MonotonicTime: Comparable, Sendable {
    /// Nanoseconds since an unspecified start (the boot, on Linux).
    let nanoseconds: UInt64

    /// The clock now.
    static var now: MonotonicTime {
        var reading = timespec()
        clock_gettime(CLOCK_MONOTONIC, &reading)
        return MonotonicTime(nanoseconds: UInt64(reading.tv_sec) * 1_000_000_000 + UInt64(reading.tv_nsec))
    }

    /// Nanoseconds in a duration, negative ones as zero and those past 584 years as the most.
    static func nanoseconds(in duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, duration > .zero else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, carry) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow || carry ? .max : sum
    }

    /// This time plus `nanoseconds`, saturating.
    func advanced(byNanoseconds nanoseconds: UInt64) -> MonotonicTime {
        let (sum, overflow) = self.nanoseconds.addingReportingOverflow(nanoseconds)
        return MonotonicTime(nanoseconds: overflow ? .max : sum)
    }

    /// The time from this reading to a later one; zero when `later` is not later.
    func duration(to later: MonotonicTime) -> Duration {
        later > self ? .nanoseconds(Int64(clamping: later.nanoseconds - self.nanoseconds)) : .zero
    }

    static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}
