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

    /// The bytes in order from the lowest byte up, read with at most three loads.
    @inline(__always)
    private init(bytes: UnsafeRawBufferPointer) {
        self.count = bytes.count
        guard let base = bytes.baseAddress else {
            self.packed = 0
            return
        }
        if bytes.count == 8 {
            self.packed = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
            return
        }
        var packed: UInt64 = 0
        var offset = 0
        if bytes.count & 4 != 0 {
            packed = UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
            offset = 4
        }
        if bytes.count & 2 != 0 {
            let pair = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            packed |= UInt64(pair) << (offset * 8)
            offset += 2
        }
        if bytes.count & 1 != 0 {
            packed |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << (offset * 8)
        }
        self.packed = packed
    }
}
