import Foundation
import LicenseBusTestSupport
import Testing

@Suite("license-tool (SPEC §8)", .timeLimit(.minutes(1)))
struct LicenseToolTests {
    @Test(
        "--help works on the tool and every command; bad usage exits 2",
        arguments: ["keygen", "distribution-key", "sign", "verify", "inspect"]
    )
    func help(command: String) throws {
        let help = try licenseTool([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("usage: license-tool \(command)"))
        let bad = try licenseTool([command, "--no-such-option"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("error [usage]: unknown option '--no-such-option'"))
    }

    @Test("no command, an unknown command: exit 2; --help: exit 0 listing the commands")
    func topLevel() throws {
        #expect(try licenseTool([]).status == 2)
        #expect(try licenseTool(["frobnicate"]).status == 2)
        let help = try licenseTool(["--help"])
        #expect(help.status == 0)
        for command in ["keygen", "distribution-key", "sign", "verify", "inspect"] {
            #expect(help.stdout.contains(command))
        }
    }

    @Test("keygen writes a 0600 private key and a public key, and never overwrites")
    func keygen() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path + "/vendor-keys"
        let result = try licenseTool(["keygen", "--out", out, "--bits", "2048"])
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/vendor-private.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o700)
        #expect(try String(contentsOfFile: out + "/vendor.pem", encoding: .utf8).contains("BEGIN PUBLIC KEY"))
        let again = try licenseTool(["keygen", "--out", out, "--bits", "2048"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        #expect(try licenseTool(["keygen", "--out", out + "2", "--bits", "1024"]).status == 2)
        #expect(try licenseTool(["keygen"]).status == 2)
    }

    @Test("nkey writes a 0600 user seed that Python's nkeys reads as the printed public key, and never overwrites")
    func nkey() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/user.nk"
        let result = try licenseTool(["nkey", "--out", path])
        #expect(result.status == 0, "\(result.stderr)")
        let publicKey = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(publicKey.hasPrefix("U") && publicKey.count == 56)
        let seed = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(seed.hasPrefix("SU"))
        #expect(!result.stdout.contains(seed) && !result.stderr.contains(seed))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let python = try ProcessRunner.run(
            "python3",
            ["-c", "import nkeys, sys; print(nkeys.from_seed(sys.argv[1].encode()).public_key.decode())", seed]
        )
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == publicKey, "\(python.stderr)")
        let again = try licenseTool(["nkey", "--out", path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        #expect(try licenseTool(["nkey"]).status == 2)
    }

    @Test("distribution-key prints one KID:KEY entry of 32 random bytes")
    func distributionKey() throws {
        let result = try licenseTool(["distribution-key", "--kid", "dk-test"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("dk-test:"))
        #expect(line.count == "dk-test:".count + 43)
        let other = try licenseTool(["distribution-key"]).stdout
        #expect(other.hasPrefix("dk-"))
        #expect(other != result.stdout)
        #expect(try licenseTool(["distribution-key", "--kid", "bad:kid"]).status == 2)
    }

    @Test("sign then verify: exit 0, human fields, and --json with the SPEC fields", arguments: ["RS256", "PS256"])
    func signAndVerify(algorithm: String) throws {
        let folder = try TemporaryDirectory()
        let signed = try licenseTool([
            "sign", "--key", Sample.privateKey, "--claims", Sample.claims, "--alg", algorithm, "--kid", "vendor-test",
        ])
        #expect(signed.status == 0, "\(signed.stderr)")
        let file = try folder.write("license.jwt", signed.stdout)
        let human = try licenseTool(["verify", "--key", Sample.publicKey, file])
        #expect(human.status == 0)
        #expect(human.stdout.contains("valid license (\(algorithm), vendor key 'vendor-test')"))
        #expect(human.stdout.contains("state:      enterprise"))
        #expect(human.stdout.contains("CLI Corp"))
        let json = try jsonObject(try licenseTool(["verify", "--json", "--key", Sample.publicKey, file]).stdout)
        #expect(json["valid"] as? Bool == true)
        #expect(json["state"] as? String == "enterprise")
        #expect(json["reason"] is NSNull)
        let license = try #require(json["license"] as? [String: Any])
        for field in ["jti", "sub", "customer", "edition", "features", "limits", "iat", "exp"] {
            #expect(license.keys.contains(field), "missing \(field)")
        }
        #expect(license["x-extra"] as? Bool == true)
        #expect(license["exp"] is NSNull)
    }

    @Test("a license from license-tool sign verifies with openssl dgst -verify", arguments: ["RS256", "PS256"])
    func opensslVerifiesOurs(algorithm: String) throws {
        let folder = try TemporaryDirectory()
        let token = try licenseTool(["sign", "--key", Sample.privateKey, "--claims", Sample.claims, "--alg", algorithm])
            .stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = token.split(separator: ".")
        try folder.write("input", parts[0] + "." + parts[1])
        var base64 = parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        try Data(base64Encoded: base64)?.write(to: URL(fileURLWithPath: folder.path + "/sig"))
        let options = algorithm == "PS256" ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"] : []
        let result = try ProcessRunner.run(
            "openssl",
            ["dgst", "-sha256", "-verify", Sample.publicKey, "-signature", folder.path + "/sig"] + options + [
                folder.path + "/input"
            ]
        )
        #expect(result.stdout.contains("Verified OK"), "\(result.stderr)")
    }

    @Test(
        "verify exits 1 and prints the code for each invalid sample",
        arguments: [
            ("expired", "expired"), ("tampered-payload", "bad_signature"), ("alg-none", "unsupported_alg"),
            ("hs256-public-key", "unsupported_alg"), ("missing-typ", "wrong_type"), ("other-vendor", "untrusted_key"),
            ("not-yet-valid", "not_yet_valid"), ("future-iat", "not_yet_valid"), ("wrong-audience", "wrong_audience"),
        ]
    )
    func invalidSamples(name: String, code: String) throws {
        let environment = ["LICENSE_VENDOR_PUBLIC_KEY": Sample.publicKey, "LICENSE_AUDIENCE": "ai-agent-os"]
        let human = try licenseTool(["verify", Sample.license(name)], environment: environment)
        #expect(human.status == 1)
        #expect(human.stdout.contains("invalid license [\(code)]"))
        let json = try jsonObject(
            try licenseTool(["verify", "--json", Sample.license(name)], environment: environment).stdout
        )
        #expect(json["valid"] as? Bool == false)
        #expect(json["reason"] as? String == code)
        #expect(json["state"] as? String == "community")
    }

    @Test("verify opens an envelope with the ring from the environment, or a --config file")
    func verifyEnvelope() throws {
        let direct = try licenseTool(
            ["verify", "--key", Sample.publicKey, Sample.envelope],
            environment: ["LICENSE_DISTRIBUTION_KEY": Sample.ring]
        )
        #expect(direct.status == 0, "\(direct.stderr)")
        let folder = try TemporaryDirectory()
        let ringFile = try folder.write("ring", Sample.ring, mode: 0o600)
        let config = try folder.write(
            "tool.env",
            "LICENSE_DISTRIBUTION_KEY_FILE=\(ringFile)\nLICENSE_VENDOR_PUBLIC_KEY=\(Sample.publicKey)\n"
        )
        let viaConfig = try licenseTool(["verify", "--config", config, Sample.envelope])
        #expect(viaConfig.status == 0, "\(viaConfig.stderr)")
        let noRing = try licenseTool(["verify", "--key", Sample.publicKey, Sample.envelope])
        #expect(noRing.status == 2)
        #expect(noRing.stderr.contains("LICENSE_DISTRIBUTION_KEY"))
        for result in [direct, viaConfig] {
            #expect(!result.stdout.contains(Sample.ring.split(separator: ":")[1]))
            #expect(!result.stderr.contains(Sample.ring.split(separator: ":")[1]))
        }
    }

    @Test("bad settings and arguments exit 2 naming what is wrong")
    func badSettings() throws {
        let noKey = try licenseTool(["verify", Sample.license("perpetual-enterprise")])
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("LICENSE_VENDOR_PUBLIC_KEY: is required"))
        let missingFile = try licenseTool(["verify", "--key", Sample.publicKey, "/nonexistent.jwt"])
        #expect(missingFile.status == 2)
        let badClaims = try licenseTool(["sign", "--key", Sample.privateKey, "--claims", "{\"iss\":1}"])
        #expect(badClaims.status == 2)
        #expect(badClaims.stderr.contains("--claims"))
        let publicAsPrivate = try licenseTool(["sign", "--key", Sample.publicKey, "--claims", Sample.claims])
        #expect(publicAsPrivate.status == 2)
        #expect(publicAsPrivate.stderr.contains("--key"))
        #expect(
            try licenseTool(["sign", "--key", Sample.privateKey, "--claims", Sample.claims, "--alg", "HS256"]).status
                == 2
        )
    }

    @Test("inspect decodes without verifying and says so; an envelope shows its license only with the ring")
    func inspect() throws {
        let license = try licenseTool(["inspect", Sample.license("tampered-payload")])
        #expect(license.status == 0)
        #expect(license.stdout.contains("NOT VERIFIED"))
        #expect(license.stdout.contains("\"max_instances\": 5000"))
        let json = try jsonObject(try licenseTool(["inspect", "--json", Sample.license("alg-none")]).stdout)
        #expect(json["verified"] as? Bool == false)
        #expect((json["header"] as? [String: Any])?["alg"] as? String == "none")
        let sealed = try licenseTool(["inspect", Sample.envelope])
        #expect(sealed.stdout.contains("kind: envelope"))
        #expect(sealed.stdout.contains("encrypted"))
        let opened = try licenseTool(
            ["inspect", Sample.envelope],
            environment: ["LICENSE_DISTRIBUTION_KEY": Sample.ring]
        )
        #expect(opened.stdout.contains("lic-perpetual-enterprise"))
        #expect(!opened.stdout.contains(Sample.ring.split(separator: ":")[1]))
        let garbage = try licenseTool(["inspect", "-"], input: "not a token")
        #expect(garbage.status == 2)
        #expect(garbage.stderr.contains("[malformed]"))
    }
}
