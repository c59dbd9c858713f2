#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM during `acla restore`: the handler only sets a flag, which the
/// restore's progress callback turns into a cancel between forward passes, and which the
/// command checks before starting the next file. An image being written when the signal
/// arrives is completed (the writer renames a finished temporary file), so no half-written
/// output file is ever left behind.
enum RestoreInterrupt {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static var requested: Bool { flag != 0 }

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in RestoreInterrupt.flag = 1 }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
