internal import LicenseBusCore

/// The exit codes of SPEC §8, and the one mapping from outcomes to them.
public enum ExitStatus: Int32, Sendable {
    /// Success: valid, enterprise or grace.
    case success = 0
    /// The license is invalid, or the state is community.
    case invalid = 1
    /// Bad usage or bad settings.
    case usage = 2

    /// The exit status for an error that ended a command.
    /// - Parameter error: What ended the command.
    /// - Returns: 1 for a ``LicenseError`` (an invalid license), else 2.
    public static func of(_ error: any Error) -> ExitStatus {
        error is LicenseError ? .invalid : .usage
    }
}
