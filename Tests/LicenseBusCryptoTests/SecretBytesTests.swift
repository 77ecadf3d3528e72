import LicenseBusCrypto
import Testing

@Suite("Secret bytes and constant-time comparison")
struct SecretBytesTests {
    @Test("a secret prints as redacted, never its bytes")
    func redacted() {
        let secret = SecretBytes(copying: Array("hunter2-super-secret".utf8))
        #expect(secret.description == "<redacted 20 bytes>")
        #expect("\(secret)" == "<redacted 20 bytes>")
        #expect(String(reflecting: secret) == "<redacted 20 bytes>")
        #expect(secret.withUnsafeBytes { Array($0) } == Array("hunter2-super-secret".utf8))
    }

    @Test("random secrets have the asked length and differ")
    func random() throws {
        let first = try SecretBytes(randomCount: 32)
        let second = try SecretBytes(randomCount: 32)
        #expect(first.count == 32)
        #expect(!first.isEqual(to: second))
        #expect(first.isEqual(to: first))
    }

    @Test("wipe zeroes a transient copy")
    func wipe() {
        var copy: [UInt8] = [1, 2, 3, 4]
        SecretBytes.wipe(&copy)
        #expect(copy == [0, 0, 0, 0])
    }

    @Test("constant-time equality: equal, different, different lengths, empty")
    func constantTime() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equal([], []))
    }
}
