import Foundation
import LicenseBusCore
import LicenseBusTestSupport
import Testing

@Suite("Settings (SPEC §7)")
struct SettingsTests {
    @Test("flags beat the environment, the environment beats the file; empty counts as unset")
    func precedence() {
        let settings = Settings(
            flags: ["A": "flag", "E": ""],
            environment: ["A": "env", "B": "env", "E": "env"],
            file: ["A": "file", "B": "file", "C": "file"]
        )
        #expect(settings.value("A") == "flag")
        #expect(settings.value("B") == "env")
        #expect(settings.value("C") == "file")
        #expect(settings.value("E") == "env")
        #expect(settings.value("D") == nil)
    }

    @Test("the settings file: comments, quotes, export, and faults named with file and line")
    func file() throws {
        let parsed = try SettingsFile.parse(
            "# comment\n\nNATS_URL = nats://a:4222\nexport LICENSE_SUBJECT='lic.key'\nX=\"quoted value\"\nEMPTY=\n",
            path: "s.env"
        )
        #expect(
            parsed == ["NATS_URL": "nats://a:4222", "LICENSE_SUBJECT": "lic.key", "X": "quoted value", "EMPTY": ""]
        )
        let crlf = try SettingsFile.parse("# windows\r\nA=1\r\nB=two\r\n", path: "w.env")
        #expect(crlf == ["A": "1", "B": "two"])
        for (text, fault) in [
            ("JUST TEXT", "s.env:1 is not a KEY=VALUE"), ("a-b=1", "invalid key"), ("A=1\nA=2", "s.env:2 sets A"),
        ] {
            let error = #expect(throws: SettingsError.self) { try SettingsFile.parse(text, path: "s.env") }
            #expect(error?.setting == "--config")
            #expect(error?.message.contains(fault) == true, "\(error?.message ?? "")")
        }
    }

    @Test("a missing config file names --config")
    func missingConfig() {
        let error = #expect(throws: SettingsError.self) {
            try Settings.load(flags: [:], environment: [:], configPath: "/nonexistent/settings.env")
        }
        #expect(error?.setting == "--config")
        #expect(error?.message.contains("No such file") == true)
    }

    @Test("seconds: positive whole numbers only")
    func seconds() throws {
        #expect(try Settings(environment: ["T": "30"]).seconds("T", default: 10) == 30)
        #expect(try Settings().seconds("T", default: 10) == 10)
        for bad in ["0", "-5", "1.5", "ten", "99999999999"] {
            let error = #expect(throws: SettingsError.self) {
                try Settings(environment: ["T": bad]).seconds("T", default: 10)
            }
            #expect(error?.setting == "T")
        }
    }

    @Test("vendor keys: ids from file names or ID=path; several keys")
    func vendorKeys() throws {
        let keys = Fixtures.samples + "/keys/"
        let settings = Settings(environment: [
            "LICENSE_VENDOR_PUBLIC_KEY": keys + "vendor-test.pem, legacy=" + keys + "other-vendor.pem"
        ])
        #expect(try settings.vendorKeys().entries.map(\.id) == ["vendor-test", "legacy"])
    }

    @Test(
        "bad vendor key settings name the setting and the fault",
        arguments: [
            ("", "is required"), ("/nonexistent/key.pem", "No such file"), ("NOTAKEY", "not a PEM"),
            ("SMALL", "1024 bits"), ("PRIVATE", "private key"), ("DUP", "given twice"),
        ]
    )
    func badVendorKeys(value: String, fault: String) throws {
        let folder = try TemporaryDirectory()
        let notAKey = try folder.write("notakey.pem", "hello, not a key\n")
        let small = folder.path + "/small.pem"
        _ = try ProcessRunner.run(
            "openssl",
            ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", folder.path + "/s.pem"]
        )
        _ = try ProcessRunner.run("openssl", ["pkey", "-in", folder.path + "/s.pem", "-pubout", "-out", small])
        let pub = Fixtures.samples + "/keys/vendor-test.pem"
        let substitutions = [
            "NOTAKEY": notAKey, "SMALL": small, "PRIVATE": Fixtures.samples + "/keys/vendor-test-private.pem",
            "DUP": "a=\(pub),a=\(pub)",
        ]
        let setting = substitutions[value] ?? value
        let error = #expect(throws: SettingsError.self) {
            try Settings(environment: ["LICENSE_VENDOR_PUBLIC_KEY": setting]).vendorKeys()
        }
        #expect(error?.setting == "LICENSE_VENDOR_PUBLIC_KEY")
        #expect(error?.message.contains(fault) == true, "\(error?.message ?? "")")
    }

    @Test("the ring from LICENSE_DISTRIBUTION_KEY or from LICENSE_DISTRIBUTION_KEY_FILE, not both, not neither")
    func ringSources() throws {
        let ringText = try Fixtures.text("license-samples/distribution.ring")
        let folder = try TemporaryDirectory()
        let file = try folder.write("ring", ringText, mode: 0o600)
        #expect(
            try Settings(environment: ["LICENSE_DISTRIBUTION_KEY": ringText]).distributionKeyRing().current.id
                == "dk-sample"
        )
        #expect(
            try Settings(environment: ["LICENSE_DISTRIBUTION_KEY_FILE": file]).distributionKeyRing().current.id
                == "dk-sample"
        )
        let both = #expect(throws: SettingsError.self) {
            try Settings(environment: ["LICENSE_DISTRIBUTION_KEY": ringText, "LICENSE_DISTRIBUTION_KEY_FILE": file])
                .distributionKeyRing()
        }
        #expect(both?.message.contains("set only one") == true)
        let neither = #expect(throws: SettingsError.self) { try Settings().distributionKeyRing() }
        #expect(neither?.setting == "LICENSE_DISTRIBUTION_KEY")
        let missing = #expect(throws: SettingsError.self) {
            try Settings(environment: ["LICENSE_DISTRIBUTION_KEY_FILE": "/nonexistent"]).distributionKeyRing()
        }
        #expect(missing?.setting == "LICENSE_DISTRIBUTION_KEY_FILE")
        let bad = #expect(throws: SettingsError.self) {
            try Settings(environment: ["LICENSE_DISTRIBUTION_KEY_FILE": try folder.write("bad", "dk:AAAA")])
                .distributionKeyRing()
        }
        #expect(bad?.setting == "LICENSE_DISTRIBUTION_KEY_FILE")
        #expect(bad?.message.contains("3 bytes") == true)
    }

    @Test("a settings description shows names, never values")
    func description() {
        let settings = Settings(environment: ["LICENSE_DISTRIBUTION_KEY": "dk:c2VjcmV0"])
        #expect(!"\(settings)".contains("c2VjcmV0"))
        #expect("\(settings)".contains("LICENSE_DISTRIBUTION_KEY"))
    }
}
