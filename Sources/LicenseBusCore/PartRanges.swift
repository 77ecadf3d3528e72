/// The byte ranges of a compact token's parts, kept inline: a token has three parts (JWS) or
/// five (JWE), and splitting one allocates nothing.
struct PartRanges {
    /// The most parts kept; a token is refused before it needs more.
    static let capacity = 5

    private var stored: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (
        0..<0, 0..<0, 0..<0, 0..<0, 0..<0
    )
    /// How many parts were found, also past ``capacity``.
    private(set) var count = 0

    /// The byte range of part `index`.
    subscript(index: Int) -> Range<Int> {
        precondition(index >= 0 && index < min(self.count, Self.capacity), "no such token part")
        return switch index {
        case 0: self.stored.0
        case 1: self.stored.1
        case 2: self.stored.2
        case 3: self.stored.3
        default: self.stored.4
        }
    }

    /// Adds the next part; past ``capacity`` it is only counted.
    mutating func append(_ range: Range<Int>) {
        switch self.count {
        case 0: self.stored.0 = range
        case 1: self.stored.1 = range
        case 2: self.stored.2 = range
        case 3: self.stored.3 = range
        case 4: self.stored.4 = range
        default: break
        }
        self.count += 1
    }
}
