#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a detached POSIX thread running `body`: one per connection, which owns its socket
/// (callers only ever write to an idle clear-text socket, see `ConnectionState.handOff`).
/// The thread is named ``name``, so `top -H`, `ps -L` and profilers show it as such.
enum IOThread {
    /// The name every I/O thread carries (at most 15 bytes, the Linux limit).
    static let name = "nats-io"

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts the thread; it ends when `body` returns.
    /// - Throws: ``NATSError`` `connectionFailed` if the system cannot create a thread.
    static func start(_ body: @escaping @Sendable () -> Void) throws(NATSError) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if os(Linux)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                guard let argument else { return nil }
                IOThread.nameCurrentThread()
                Unmanaged<Box>.fromOpaque(argument).takeRetainedValue().body()
                return nil
            },
            box
        )
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw NATSError(.connectionFailed, "cannot start the I/O thread: \(systemError(result))")
        }
        #if os(Linux)
        pthread_detach(thread)
        #else
        if let thread { pthread_detach(thread) }
        #endif
    }

    /// Names the calling thread ``name`` (best effort: a failure leaves the inherited name).
    private static func nameCurrentThread() {
        #if os(Linux)
        // Glibc's pthread_setname_np is not visible to Swift; the kernel takes the name here.
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = name.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
        #else
        pthread_setname_np(name)
        #endif
    }
}
