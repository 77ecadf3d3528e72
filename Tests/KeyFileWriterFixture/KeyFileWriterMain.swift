import LicenseBusCore

/// Test fixture: rewrites a key file atomically with the given envelopes in turn, for ever
/// (until killed). Usage: key-file-writer PATH ENVELOPE...
@main
enum KeyFileWriterMain {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3 else { return }
        let keyFile = LicenseKeyFile(location: KeyFileLocation(path: arguments[1], rule: .setting))
        let envelopes = Array(arguments.dropFirst(2))
        var index = 0
        while true {
            try? keyFile.write(envelopes[index % envelopes.count])
            index += 1
        }
    }
}
