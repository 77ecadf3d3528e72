import Foundation
import LicenseBusCrypto
import LicenseBusTestSupport
import Testing

@Suite("Signatures interoperate with the openssl command line")
struct OpenSSLInteropTests {
    static let pssOptions = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]

    private func keyFiles() throws -> (TemporaryDirectory, RSAPrivateKey, String, String) {
        let folder = try TemporaryDirectory()
        let key = try RSAPrivateKey.generate(bits: 2048)
        let privatePath = folder.path + "/private.pem"
        let publicPath = folder.path + "/public.pem"
        try key.pemEncoded().withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: privatePath)) }
        try key.publicKey.pemEncoded().write(toFile: publicPath, atomically: false, encoding: .utf8)
        return (folder, key, privatePath, publicPath)
    }

    @Test("our RS256 and PS256 signatures verify with openssl dgst -verify", arguments: [false, true])
    func oursVerifyWithOpenSSL(pss: Bool) throws {
        let (folder, key, _, publicPath) = try keyFiles()
        let message = "header.payload"
        let signature = try key.signature(for: Array(message.utf8), scheme: pss ? .pss(.sha256) : .pkcs1v15(.sha256))
        try Data(signature).write(to: URL(fileURLWithPath: folder.path + "/sig"))
        try message.write(toFile: folder.path + "/msg", atomically: false, encoding: .utf8)
        let options = pss ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"] : []
        let result = try ProcessRunner.run(
            "openssl",
            ["dgst", "-sha256", "-verify", publicPath, "-signature", folder.path + "/sig"] + options + [
                folder.path + "/msg"
            ]
        )
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("Verified OK"))
    }

    @Test(
        "openssl dgst -sign signatures verify here: PKCS#1 v1.5, PSS with salt 32 and with the maximum salt",
        arguments: ["pkcs1", "pss-32", "pss-max"]
    )
    func openSSLVerifiesHere(kind: String) throws {
        let (folder, key, privatePath, _) = try keyFiles()
        let message = "eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0"
        try message.write(toFile: folder.path + "/msg", atomically: false, encoding: .utf8)
        var options: [String] = []
        if kind != "pkcs1" {
            options = [
                "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:" + (kind == "pss-32" ? "32" : "max"),
            ]
        }
        let result = try ProcessRunner.run(
            "openssl",
            ["dgst", "-sha256", "-sign", privatePath, "-out", folder.path + "/sig"] + options + [folder.path + "/msg"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let signature = Array(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/sig")))
        let scheme: RSASignatureScheme = kind == "pkcs1" ? .pkcs1v15(.sha256) : .pss(.sha256)
        #expect(try key.publicKey.isValidSignature(signature, for: Array(message.utf8), scheme: scheme))
    }
}
