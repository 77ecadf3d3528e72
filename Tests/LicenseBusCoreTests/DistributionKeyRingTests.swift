import LicenseBusCore
import LicenseBusCrypto
import Testing

@Suite("Distribution key ring (SPEC §2)")
struct DistributionKeyRingTests {
    static let keyA = Base64URL.encode([UInt8](repeating: 0xA1, count: 32))
    static let keyB = Base64URL.encode([UInt8](repeating: 0xB2, count: 32))

    @Test("parses entries in order; the first encrypts; white space around entries is ignored")
    func parses() throws {
        let ring = try DistributionKeyRing(parsing: " dk-2:\(Self.keyB) , dk-1:\(Self.keyA)\n")
        #expect(ring.entries.map(\.id) == ["dk-2", "dk-1"])
        #expect(ring.current.id == "dk-2")
        #expect(ring.current.key.withUnsafeBytes { Array($0) } == [UInt8](repeating: 0xB2, count: 32))
    }

    @Test(
        "a bad ring fails naming the setting and the fault, never showing the key",
        arguments: [
            ("", "not of the form"), ("dk-1", "not of the form"), (":\(keyA)", "invalid kid"),
            ("d k:\(keyA)", "invalid kid"), ("dk-1:\(keyA),dk-1:\(keyB)", "appears twice"),
            ("dk-1:\(Base64URL.encode([UInt8](repeating: 1, count: 16)))", "16 bytes; 32 are required"),
            ("dk-1:\(Base64URL.encode([UInt8](repeating: 1, count: 33)))", "33 bytes"),
            ("dk-1:\(keyA)=", "not base64url"), ("dk-1:\(keyA),", "not of the form"),
        ]
    )
    func rejects(text: String, fault: String) {
        let error = #expect(throws: SettingsError.self) { try DistributionKeyRing(parsing: text) }
        #expect(error?.setting == "LICENSE_DISTRIBUTION_KEY")
        #expect(error?.message.contains(fault) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(Self.keyA) == false)
        #expect(error?.message.contains(Self.keyB) == false)
    }

    @Test("its description lists kids only")
    func description() throws {
        let ring = try DistributionKeyRing(parsing: "dk-1:\(Self.keyA)")
        #expect(ring.description == "ring(dk-1)")
        #expect(!"\(ring)".contains(Self.keyA))
        #expect(!String(reflecting: ring).contains(Self.keyA))
    }

    @Test("a new entry parses back as a one-entry ring")
    func newEntry() throws {
        let text = try DistributionKeyRing.makeEntryText(id: "dk-new").withUnsafeBytes {
            String(decoding: $0, as: UTF8.self)
        }
        let ring = try DistributionKeyRing(parsing: text)
        #expect(ring.current.id == "dk-new")
        #expect(ring.current.key.count == 32)
    }
}
