import Foundation
import LicenseBusCore
import LicenseBusTestSupport
import Testing

private struct Sample: Sendable, CustomStringConvertible {
    let path: String
    let expected: String
    var description: String { self.path }
}

private func manifest() -> [Sample] {
    let text = (try? Fixtures.text("license-samples/expected.tsv")) ?? ""
    return text.split(separator: "\n").compactMap { line in
        guard !line.hasPrefix("#") else { return nil }
        let fields = line.split(separator: "\t")
        return fields.count == 2 ? Sample(path: String(fields[0]), expected: String(fields[1])) : nil
    }
}

@Suite("Every sample in license-samples/ gives the state or code expected.tsv names")
struct SampleLicenseTests {
    @Test("the manifest lists every license and envelope file, and nothing else")
    func complete() throws {
        let listed = Set(manifest().map(\.path))
        var files = Set<String>()
        for folder in ["licenses", "envelopes"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.samples + "/" + folder) {
                files.insert(folder + "/" + name)
            }
        }
        #expect(listed == files)
        #expect(listed.count >= 20)
    }

    @Test("judged now with the sample settings", arguments: manifest())
    fileprivate func judge(sample: Sample) throws {
        var text = try Fixtures.text("license-samples/" + sample.path)
        if sample.path.hasSuffix(".jwe") {
            text = try LicenseEnvelope.open(text, ring: SampleKeys.ring)
        }
        let outcome: String
        do {
            let license = try SampleKeys.verifier.verify(text, now: Date())
            switch license.claims.standing(at: Date()) {
            case .grace: outcome = "grace"
            default: outcome = license.claims.grantsEdition ? "enterprise" : "community"
            }
        } catch {
            outcome = error.code.rawValue
        }
        #expect(outcome == sample.expected)
    }
}
