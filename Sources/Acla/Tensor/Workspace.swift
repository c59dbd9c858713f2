import Glibc
import AclaKernels

/// A pool of tensor buffers reused across forward passes of the same shape: a pass's activations
/// and scratch are taken from it and given back when their last tensor goes away, so the second
/// and later calls of one shape allocate (almost) nothing. Install one on the calling thread for
/// the duration of a call with `Workspace.using`; buffers may be given back from any thread.
public final class Workspace {
    private let lock = Mutex()
    private var available: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var heldFloats = 0
    /// Floats the pool keeps when nothing uses them; more is freed at once.
    public let capacityFloats: Int
    public private(set) var reuses = 0
    public private(set) var misses = 0

    /// `capacityBytes`: the most memory kept for reuse (default 4 GiB; a buffer that does not fit
    /// is freed).
    public init(capacityBytes: Int = 4 << 30) {
        capacityFloats = max(capacityBytes / MemoryLayout<Float>.stride, 0)
    }

    deinit {
        for list in available.values { for p in list { Glibc.free(p) } }
    }

    func take(_ count: Int) -> UnsafeMutablePointer<Float>? {
        lock.locked {
            guard var list = available[count], let p = list.popLast() else {
                misses += 1
                return nil
            }
            available[count] = list.isEmpty ? nil : list
            heldFloats -= count
            reuses += 1
            return p
        }
    }

    func give(_ p: UnsafeMutablePointer<Float>, count: Int) {
        let kept: Bool = lock.locked {
            guard heldFloats + count <= capacityFloats else { return false }
            available[count, default: []].append(p)
            heldFloats += count
            return true
        }
        // malloc'd and calloc'd buffers are freed with free(), like TensorStorage's heap case
        if !kept { Glibc.free(p) }
    }

    /// Floats held for reuse right now.
    public var held: Int { lock.locked { heldFloats } }

    /// Frees every buffer held for reuse.
    public func trim() {
        let lists: [[UnsafeMutablePointer<Float>]] = lock.locked {
            defer { available.removeAll(); heldFloats = 0 }
            return Array(available.values)
        }
        for list in lists { for p in list { Glibc.free(p) } }
    }

    /// The workspace installed on the calling thread, if any.
    public static var current: Workspace? {
        guard let p = ak_current_workspace() else { return nil }
        return Unmanaged<Workspace>.fromOpaque(p).takeUnretainedValue()
    }

    /// Runs `body` with `workspace` installed on the calling thread (restoring the previous one).
    public static func using<R>(_ workspace: Workspace?, _ body: () throws -> R) rethrows -> R {
        let previous = ak_current_workspace()
        ak_set_current_workspace(workspace.map { Unmanaged.passUnretained($0).toOpaque() })
        defer { ak_set_current_workspace(previous) }
        return try withExtendedLifetime(workspace) { try body() }
    }

    /// Scratch memory for a kernel for the duration of `body`, from the current workspace (or the
    /// heap); uninitialised. Allocation failure is `AclaError.outOfMemory`.
    public static func withScratch<R>(floats: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) throws -> R {
        let storage = try TensorStorage.allocate(max(floats, 1), zeroed: false)
        return try withExtendedLifetime(storage) { try body(storage.base) }
    }
}
