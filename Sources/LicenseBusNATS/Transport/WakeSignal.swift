#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes the I/O thread out of `poll`: a non-blocking pipe (a full pipe already means "wake").
///
/// - Important: `signal()` is safe from any thread; `drain()` only from the I/O thread.
final class WakeSignal: Sendable {
    /// The descriptor the I/O thread polls for readability.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() throws(NATSError) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw NATSError(.connectionFailed, "pipe failed: \(systemError())") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        self.readDescriptor = descriptors[0]
        self.writeDescriptor = descriptors[1]
    }

    deinit {
        close(self.readDescriptor)
        close(self.writeDescriptor)
    }

    /// Makes the descriptor readable (never blocks: a full counter already means "wake").
    func signal() {
        var one: UInt8 = 1
        _ = write(self.writeDescriptor, &one, 1)
    }

    /// Consumes pending signals.
    func drain() {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(self.readDescriptor, &sink, sink.count) > 0 {}
    }
}

/// `strerror(errno)` as a String.
func systemError(_ number: Int32 = errno) -> String {
    String(cString: strerror(number))
}
