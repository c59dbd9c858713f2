import AclaKernels
import Glibc
import Synchronization

/// The one thread setting: every kernel's OpenMP team gets it explicitly, and GEMMs run on that
/// same team (OpenBLAS itself is kept at one thread, see threads.c), so n means n busy threads.
///
/// The cap, `maximum`, is min(256, OpenBLAS's buffer table): every kernel thread may be inside a
/// GEMM, and OpenBLAS holds a fixed table of 2 x MAX_THREADS buffers (its build setting; 128 with
/// Debian's 0.3.21), one per GEMM running at once; more abort or hang inside OpenBLAS (850 threads
/// hung in its buffer allocation). Concurrent calls from several host threads each run a team of
/// `count`, so callers x count should stay within the table too. 256 bounds what any core count
/// the library targets can use (compute-bound kernels gain nothing beyond the cores).
///
/// Below the cap, a count is accepted only after the same number of threads actually started
/// (thread_trial.c): libomp aborts the process when it cannot create a worker, so a count the
/// process cannot run (address-space or thread limits) is refused here, with the reason.
public enum Threads {
    private static let value = Atomic<Int32>(initialValue())

    private static func initialValue() -> Int32 {
        ak_blas_single_thread()
        return Int32(clamping: min(Int(ak_hardware_threads()), maximumCount))
    }

    private static let maximumCount = min(256, Int(ak_blas_buffer_slots()))

    /// The largest count `set` accepts (see the type's comment).
    public static var maximum: Int32 { Int32(maximumCount) }

    /// Threads used by every kernel; defaults to the number of online cores (at most `maximum`).
    public static var count: Int32 { value.load(ordering: .relaxed) }

    public static func set(_ n: Int32) throws {
        guard n >= 1, Int(n) <= maximumCount else {
            throw AclaError.invalidArgument("thread count must be between 1 and \(maximumCount), got \(n)")
        }
        var started: Int32 = 0
        let error = ak_thread_trial(n, &started)
        guard error == 0 else {
            let reason = String(cString: strerror(error))
            throw AclaError.outOfMemory("cannot run \(n) threads: only \(started) could start (\(reason)); the thread count stays \(count)")
        }
        value.store(n, ordering: .relaxed)
        // libomp's workers for this thread start now, right after the trial proved they can, not
        // at the first forward (docs/RELIABILITY.md, "Threads", has the window that remains)
        _ = ak_thread_warm_team(n)
    }
}
