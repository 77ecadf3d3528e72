#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileAccess {
    /// Whether `path` is a symbolic link (not followed).
    /// - Parameter path: The path.
    /// - Returns: Whether `lstat` says it is a link.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }

    /// Sets the permission bits of `path`.
    /// - Parameters:
    ///   - path: The file.
    ///   - mode: The bits, e.g. `0o600`.
    /// - Throws: ``FileAccessError`` when `chmod` fails.
    public static func setPermissions(_ path: String, _ mode: UInt32) throws(FileAccessError) {
        guard chmod(path, mode_t(mode)) == 0 else { throw systemError(path) }
    }

    /// Replaces `path` atomically: a temporary file in the same folder, created with exactly
    /// `mode` whatever the umask, written, fsynced, renamed over `path`, then the folder fsynced.
    /// A crash at any point leaves the old file or the new one, never a torn one; the temporary
    /// file a killed writer left behind is removed by the next write in that folder.
    /// - Parameters:
    ///   - path: The file to replace (created if absent). A symlink there is refused.
    ///   - bytes: The new content.
    ///   - mode: The permission bits (e.g. `0o600`).
    /// - Throws: ``FileAccessError`` naming the path and the reason.
    public static func replaceAtomically(_ path: String, with bytes: [UInt8], mode: UInt32) throws(FileAccessError) {
        guard !isSymbolicLink(path) else {
            throw FileAccessError(
                path: path,
                reason: "is a symbolic link; refusing to write through it",
                errorNumber: ELOOP
            )
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        removeAbandonedTemporaries(in: folder)
        let temporary =
            folder + "/\(temporaryPrefix)\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        // Every error names `path`, the file being replaced; the step says what failed where.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw systemError(path, step: "cannot create a temporary file in \(folder)") }
        let writing = "cannot write the temporary file \(temporary)"
        var written = 0
        var failure: FileAccessError?
        if fchmod(descriptor, mode_t(mode)) != 0 { failure = systemError(path, step: writing) }
        while failure == nil && written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                failure = systemError(path, step: writing)
            } else {
                written += count
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = systemError(path, step: writing) }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 {
            failure = systemError(path, step: "cannot rename the temporary file over it")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    private static let temporaryPrefix = ".license-tmp-"

    /// Removes `.license-tmp-<pid>-*` files in `folder` whose writer is no longer running (a
    /// writer killed between create and rename). Files of running writers are left alone.
    static func removeAbandonedTemporaries(in folder: String) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(temporaryPrefix),
                let pid = Int32(name.dropFirst(temporaryPrefix.count).prefix { $0 != "-" }), pid > 0,
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            unlink(folder + "/" + name)
        }
    }
}
