import Acla
import ArgumentParser
import Foundation

/// Runs a subcommand body; library errors print as `acla: error: ...` and exit with status 1.
func cliGuard(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as AclaError {
        FileHandle.standardError.write(Data("acla: error: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}
