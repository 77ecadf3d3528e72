/// A JSON member name of at most 8 bytes, packed into an integer, so that a name read from a
/// token is matched against the names a reader knows without making a `String`.
struct ShortName: Equatable {
    private let packed: UInt64
    private let count: Int

    /// Packs a known name. Written out where it is matched (`case ShortName("iss"):`), it is
    /// folded into a constant by the optimizer.
    /// - Parameter name: At most 8 bytes of UTF-8.
    @inline(__always)
    init(_ name: StaticString) {
        precondition(name.utf8CodeUnitCount <= 8, "a short name has at most 8 bytes")
        self.init(bytes: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// Packs the UTF-8 of a name read from a text; nil when it is longer than 8 bytes.
    @inline(__always)
    init?(utf8 name: UnsafeRawBufferPointer) {
        guard name.count <= 8 else { return nil }
        self.init(bytes: name)
    }

    @inline(__always)
    private init(bytes: UnsafeRawBufferPointer) {
        var packed: UInt64 = 0
        for byte in bytes { packed = packed << 8 | UInt64(byte) }
        self.packed = packed
        self.count = bytes.count
    }
}
