#if LICENSE_BUS_TSAN_LOCKS
#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif
#else
public import Synchronization
#endif

/// A value that threads share, reached only under its lock.
///
/// It is `Synchronization.Mutex`, except in a build with `-D LICENSE_BUS_TSAN_LOCKS`
/// (`scripts/test-tsan.sh`), where it is a `pthread_mutex_t`. ThreadSanitizer follows pthread
/// locks, but not the futex under `Mutex` on Linux: there it reports every access made under a
/// `Mutex` as a race, which would bury a real one.
public struct Locked<Value: ~Copyable>: ~Copyable {
    #if LICENSE_BUS_TSAN_LOCKS
    @usableFromInline let lock: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let value: UnsafeMutablePointer<Value>

    /// Makes the lock, holding `value`.
    /// - Parameter value: The initial value.
    public init(_ value: consuming sending Value) {
        self.lock = .allocate(capacity: 1)
        pthread_mutex_init(self.lock, nil)
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
    }

    deinit {
        self.value.deinitialize(count: 1)
        self.value.deallocate()
        pthread_mutex_destroy(self.lock)
        self.lock.deallocate()
    }

    /// Runs `body` with the value, under the lock.
    /// - Parameter body: Reads or changes the value; it must not take this lock again.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(self.lock)
        defer { pthread_mutex_unlock(self.lock) }
        return try body(&self.value.pointee)
    }
    #else
    @usableFromInline let mutex: Mutex<Value>

    /// Makes the lock, holding `value`.
    /// - Parameter value: The initial value.
    public init(_ value: consuming sending Value) {
        self.mutex = Mutex(value)
    }

    /// Runs `body` with the value, under the lock.
    /// - Parameter body: Reads or changes the value; it must not take this lock again.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try self.mutex.withLock(body)
    }
    #endif
}

extension Locked: @unchecked Sendable where Value: ~Copyable {}
