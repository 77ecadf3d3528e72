/// The local key file of SPEC §4: the envelope as received, one line, then `\n`.
///
/// Reading never deletes anything; writing is atomic with mode `0600` and refuses a symlink.
public struct LicenseKeyFile: Sendable {
    /// Where the file is and which rule chose it.
    public let location: KeyFileLocation

    /// Makes a key file handle.
    /// - Parameter location: The location.
    public init(location: KeyFileLocation) {
        self.location = location
    }

    /// What reading found.
    public struct Contents: Sendable, Equatable {
        /// The envelope text (trimmed).
        public let envelope: String
        /// The permission bits found (before any tightening).
        public let mode: UInt32
        /// Whether the permissions were looser than `0600` and were tightened.
        public let tightened: Bool
    }

    /// The largest key file accepted.
    static let maximumByteCount = 256 * 1024

    /// Reads the file; looser permissions than `0600` are tightened to `0600` when `tighten`.
    /// - Parameter tighten: Whether to `chmod 0600` a file readable by others (instances do; a
    ///   read-only inspection does not).
    /// - Returns: The contents, or nil when there is no file.
    /// - Throws: ``LicenseError`` `cache_invalid` for a symlink, an unreadable, empty or
    ///   oversized file, one that is not text, or a path that cannot be looked at (a part of it
    ///   that is not a folder).
    public func read(tighten: Bool) throws(LicenseError) -> Contents? {
        let path = self.location.path
        do {
            guard try FileAccess.isPresent(path) else { return nil }
        } catch {
            throw LicenseError(.cacheInvalid, "the key file cannot be read: \(error)", underlying: error)
        }
        if FileAccess.isSymbolicLink(path) {
            throw LicenseError(
                .cacheInvalid,
                "the key file \(path) is a symbolic link, which is refused",
                hint: "replace it with a regular file, or set LICENSE_KEY_PATH"
            )
        }
        let text: String
        let mode: UInt32
        do {
            mode = try FileAccess.permissions(path)
            text = try FileAccess.readText(path, limit: Self.maximumByteCount)
        } catch {
            throw LicenseError(.cacheInvalid, "the key file cannot be read: \(error)", underlying: error)
        }
        let envelope = String(text.trimmingASCIIWhitespace())
        guard !envelope.isEmpty else { throw LicenseError(.cacheInvalid, "the key file \(path) is empty") }
        var tightened = false
        if tighten && mode & 0o077 != 0 {
            tightened = (try? FileAccess.setPermissions(path, 0o600)) != nil
        }
        return Contents(envelope: envelope, mode: mode, tightened: tightened)
    }

    /// Replaces the file atomically with `envelope` + `\n`, mode `0600`; a missing folder
    /// (`~/.ai-agent-os`, or that of `LICENSE_KEY_PATH`) is created with mode `0700`.
    /// - Parameter envelope: The envelope text.
    /// - Throws: ``FileAccessError`` (a symlink at the path, a folder that cannot be made, a full disk).
    public func write(_ envelope: String) throws(FileAccessError) {
        try FileAccess.createFolders(self.location.folder, mode: 0o700)
        try FileAccess.replaceAtomically(self.location.path, with: Array((envelope + "\n").utf8), mode: 0o600)
    }

    /// The latest time this instance has seen (SPEC §5 clock memory), or nil.
    public func readLatestSeen() -> Int64? {
        guard !FileAccess.isSymbolicLink(self.location.clockPath),
            let text = try? FileAccess.readText(self.location.clockPath, limit: 64)
        else { return nil }
        return Int64(text.trimmingASCIIWhitespace())
    }

    /// Records `seconds` as the latest time seen (atomically, `0600`).
    /// - Parameter seconds: Unix time.
    /// - Throws: ``FileAccessError``.
    public func writeLatestSeen(_ seconds: Int64) throws(FileAccessError) {
        try FileAccess.createFolders(self.location.folder, mode: 0o700)
        try FileAccess.replaceAtomically(self.location.clockPath, with: Array("\(seconds)\n".utf8), mode: 0o600)
    }
}
