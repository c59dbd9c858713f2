import AclaKernels

/// The one thread setting: OpenMP loops receive it explicitly, OpenBLAS is resized with it.
public enum Threads {
    nonisolated(unsafe) private static var value: Int32 = {
        let n = Int32(ak_hardware_threads())
        ak_set_blas_threads(n)
        return n
    }()

    /// Threads used by every kernel; defaults to the number of online cores.
    public static var count: Int32 { value }

    public static func set(_ n: Int32) throws {
        guard n >= 1, n <= 4096 else {
            throw AclaError.invalidArgument("thread count must be between 1 and 4096, got \(n)")
        }
        value = n
        ak_set_blas_threads(n)
    }
}
