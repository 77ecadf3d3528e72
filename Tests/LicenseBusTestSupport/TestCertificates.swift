import Foundation

/// Certificates made with the `openssl` command for TLS tests, in one folder: a CA, a second CA
/// nobody trusts, and leaf certificates (EC P-256) signed by them.
///
/// | files | what |
/// |---|---|
/// | `ca.pem` | the trusted CA |
/// | `server.pem`, `server.key` | valid for `localhost` and `127.0.0.1` |
/// | `named.pem`, `named.key` | valid for `localhost` only (no IP address) |
/// | `expired.pem`, `expired.key` | same names, expired in 2021 |
/// | `wronghost.pem`, `wronghost.key` | valid, but for `other.example` only |
/// | `stranger.pem`, `stranger.key` | valid names, signed by the untrusted CA |
/// | `client.pem`, `client.key` | a client certificate (mutual TLS) |
public final class TestCertificates: Sendable {
    /// The folder with the files; kept for the life of the test process.
    public var folder: String { self.directory.path }
    private let directory: TemporaryDirectory

    /// One set per test process.
    public static let shared: TestCertificates = {
        do {
            return try TestCertificates()
        } catch {
            fatalError("cannot make test certificates with openssl: \(error)")
        }
    }()

    /// The path of a file of the set, e.g. `ca.pem`.
    /// - Parameter name: The file's name.
    /// - Returns: Its path.
    public func path(_ name: String) -> String {
        self.folder + "/" + name
    }

    private init() throws {
        self.directory = try TemporaryDirectory()
        try self.makeAuthority("ca", name: "license-bus test CA")
        try self.makeAuthority("otherca", name: "someone else's CA")
        try self.write("index.txt", "")
        try self.write("serial", "1000\n")
        let names = "subjectAltName=DNS:localhost,IP:127.0.0.1"
        try self.makeLeaf("server", by: "ca", extensions: names + "\nextendedKeyUsage=serverAuth")
        try self.makeLeaf("named", by: "ca", extensions: "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth")
        try self.makeLeaf(
            "expired",
            by: "ca",
            extensions: names + "\nextendedKeyUsage=serverAuth",
            validity: ["-startdate", "20200101000000Z", "-enddate", "20210101000000Z"]
        )
        try self.makeLeaf(
            "wronghost",
            by: "ca",
            extensions: "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth"
        )
        try self.makeLeaf("stranger", by: "otherca", extensions: names + "\nextendedKeyUsage=serverAuth")
        try self.makeLeaf("client", by: "ca", extensions: "extendedKeyUsage=clientAuth")
    }

    private func makeAuthority(_ name: String, name subject: String) throws {
        try self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", self.path(name + ".key"), "-out", self.path(name + ".pem"), "-days", "30",
            "-subj", "/CN=\(subject)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func makeLeaf(
        _ name: String,
        by authority: String,
        extensions: String,
        validity: [String] = ["-days", "30"]
    ) throws {
        try self.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", self.path(name + ".key"), "-out", self.path(name + ".csr"), "-subj", "/CN=\(name)",
        ])
        let extensionsFile = try self.write(name + ".ext", extensions + "\n")
        let configuration = try self.write(
            "ca.cnf",
            """
            [ca]
            default_ca = test
            [test]
            database = \(self.path("index.txt"))
            new_certs_dir = \(self.folder)
            serial = \(self.path("serial"))
            default_md = sha256
            policy = any
            unique_subject = no
            [any]
            commonName = supplied

            """
        )
        try self.openssl(
            [
                "ca", "-batch", "-notext", "-config", configuration,
                "-cert", self.path(authority + ".pem"), "-keyfile", self.path(authority + ".key"),
                "-in", self.path(name + ".csr"), "-out", self.path(name + ".pem"), "-extfile", extensionsFile,
            ] + validity
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: self.path(name + ".key"))
    }

    @discardableResult
    private func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: self.path(name), atomically: false, encoding: .utf8)
        return self.path(name)
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try ProcessRunner.run("openssl", arguments)
        guard result.status == 0 else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments[0]): \(result.stderr)"]
            )
        }
    }
}
