/// A JSON member name of at most 8 bytes, packed into an integer, so that a name read from a
/// token is matched against the names a reader knows without making a `String`.
struct ShortName: Equatable {
    private let packed: UInt64
    private let count: Int

    /// Packs a known name.
    /// - Parameter name: At most 8 bytes of UTF-8.
    init(_ name: String) {
        let utf8 = Array(name.utf8)
        precondition(utf8.count <= 8, "a short name has at most 8 bytes")
        self.init(bytes: utf8)
    }

    /// Packs the UTF-8 of a name read from a text; nil when it is longer than 8 bytes.
    init?(utf8 name: UnsafeRawBufferPointer) {
        guard name.count <= 8 else { return nil }
        self.init(bytes: name)
    }

    private init(bytes: some Collection<UInt8>) {
        var packed: UInt64 = 0
        for byte in bytes { packed = packed << 8 | UInt64(byte) }
        self.packed = packed
        self.count = bytes.count
    }
}
