import AclaKernels

/// The one thread setting: every kernel's OpenMP team gets it explicitly, and GEMMs run on that
/// same team (OpenBLAS itself is kept at one thread, see threads.c), so n means n busy threads.
public enum Threads {
    nonisolated(unsafe) private static var value: Int32 = {
        ak_blas_single_thread()
        return Int32(ak_hardware_threads())
    }()

    /// Threads used by every kernel; defaults to the number of online cores.
    public static var count: Int32 { value }

    public static func set(_ n: Int32) throws {
        guard n >= 1, n <= 4096 else {
            throw AclaError.invalidArgument("thread count must be between 1 and 4096, got \(n)")
        }
        value = n
    }
}
