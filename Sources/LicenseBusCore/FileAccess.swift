#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read or written: the path and the system's reason.
public struct FileAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public let path: String
    /// The system's reason (`strerror`), or ours.
    public let reason: String
    /// The `errno` value, or 0 when the reason is ours.
    public let errorNumber: Int32

    /// `path: reason`.
    public var description: String { "\(self.path): \(self.reason)" }
}

/// Small POSIX file helpers with clear errors (no Foundation, bounded reads).
public enum FileAccess {
    /// Reads a whole file (or a pipe such as `/dev/stdin`) of at most `limit` bytes.
    /// - Parameters:
    ///   - path: The file's path.
    ///   - limit: The largest size accepted.
    /// - Returns: The file's bytes.
    /// - Throws: ``FileAccessError`` when it cannot be opened or read, is a folder, or is too large.
    public static func read(_ path: String, limit: Int = 1 << 20) throws(FileAccessError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw systemError(path) }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw FileAccessError(path: path, reason: "is a folder, not a file", errorNumber: 0)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError(path)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= limit else {
                throw FileAccessError(path: path, reason: "larger than \(limit) bytes", errorNumber: 0)
            }
        }
        return bytes
    }

    /// Reads a whole file as UTF-8 text.
    /// - Parameters:
    ///   - path: The file's path.
    ///   - limit: The largest size accepted.
    /// - Returns: The text.
    /// - Throws: ``FileAccessError`` as ``read(_:limit:)``, or when the bytes are not UTF-8.
    public static func readText(_ path: String, limit: Int = 1 << 20) throws(FileAccessError) -> String {
        let bytes = try read(path, limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileAccessError(path: path, reason: "not UTF-8 text", errorNumber: 0)
        }
        return text
    }

    /// Creates a new file with exactly `mode` (whatever the umask) and writes `bytes`, then fsyncs.
    ///
    /// An existing file or a symlink at `path` is refused, so nothing is overwritten by mistake.
    /// - Parameters:
    ///   - path: The new file's path.
    ///   - bytes: The content.
    ///   - mode: The permission bits, e.g. `0o600`.
    /// - Throws: ``FileAccessError`` when the file exists or cannot be written.
    public static func createNew(_ path: String, bytes: UnsafeRawBufferPointer, mode: UInt32) throws(FileAccessError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw systemError(path) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode_t(mode)) == 0 else { throw systemError(path) }
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress else { break }
            let written = write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw systemError(path)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw systemError(path) }
    }

    /// Creates a folder and any missing parents, each with exactly `mode`.
    /// - Parameters:
    ///   - path: The folder's path.
    ///   - mode: The permission bits of the folders created, e.g. `0o700`.
    /// - Throws: ``FileAccessError`` when one cannot be created, or something that is not a
    ///   folder (nor a link to one) stands at `path`.
    public static func createFolders(_ path: String, mode: UInt32) throws(FileAccessError) {
        guard !path.isEmpty else { return }
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw FileAccessError(path: path, reason: "is not a folder", errorNumber: ENOTDIR)
            }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try createFolders(String(path[..<slash]), mode: mode)
        }
        try createFolderIfMissing(path, mode: mode)
    }

    /// Creates a folder with exactly `mode` (whatever the umask) if nothing exists at `path`.
    /// - Parameters:
    ///   - path: The folder's path.
    ///   - mode: The permission bits, e.g. `0o700`.
    /// - Throws: ``FileAccessError`` when it cannot be created.
    public static func createFolderIfMissing(_ path: String, mode: UInt32) throws(FileAccessError) {
        guard !exists(path) else { return }
        guard mkdir(path, mode_t(mode)) == 0, chmod(path, mode_t(mode)) == 0 else { throw systemError(path) }
    }

    /// The permission bits of the file at `path` (following symlinks).
    /// - Parameter path: The file's path.
    /// - Returns: The mode's permission bits, e.g. `0o600`.
    /// - Throws: ``FileAccessError`` when it cannot be examined.
    public static func permissions(_ path: String) throws(FileAccessError) -> UInt32 {
        var status = stat()
        guard stat(path, &status) == 0 else { throw systemError(path) }
        return UInt32(status.st_mode & 0o7777)
    }

    /// Whether something (a file, folder or link) exists at `path`.
    /// - Parameter path: The path.
    /// - Returns: Whether `lstat` finds it.
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Whether something (a file, folder or link) exists at `path`, telling "nothing there"
    /// apart from a path that cannot be looked at.
    /// - Parameter path: The path.
    /// - Returns: Whether `lstat` finds it; false only when nothing is there (`ENOENT`).
    /// - Throws: ``FileAccessError`` for any other failure: a part of the path that is not a
    ///   folder, a folder that may not be searched, a path too long.
    public static func isPresent(_ path: String) throws(FileAccessError) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            guard errno == ENOENT else { throw systemError(path) }
            return false
        }
        return true
    }

    /// The error of the last failed call on `path`, with `strerror`'s reason after `step` when given.
    static func systemError(_ path: String, step: String? = nil) -> FileAccessError {
        let number = errno
        let reason = String(cString: strerror(number))
        return FileAccessError(path: path, reason: step.map { "\($0): \(reason)" } ?? reason, errorNumber: number)
    }
}
