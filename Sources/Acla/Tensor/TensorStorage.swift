import Glibc
import Synchronization

/// The memory behind a tensor. Owned storage is malloc'd (or taken from a `Workspace`, and given
/// back to it when the last tensor using it goes away); a view reads memory that something else
/// owns (a parameter inside the `ParameterArena`, a caller's buffer during a C call) and keeps that
/// owner alive. Views are never written through a tensor: writing a tensor that shares or views
/// storage copies it first (copy-on-write), so only the arena's own API changes parameters.
final class TensorStorage {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    private let owner: Owner

    enum Owner {
        case heap
        case pool(Workspace)
        case view(AnyObject?)
    }

    /// An empty storage (a zero-element tensor); one shared instance, never written.
    static let empty = TensorStorage(base: UnsafeMutablePointer<Float>.allocate(capacity: 1), count: 0, owner: .heap)

    private init(base: UnsafeMutablePointer<Float>, count: Int, owner: Owner) {
        self.base = base
        self.count = count
        self.owner = owner
    }

    /// `count` floats, uninitialised, from the calling thread's workspace when one is installed
    /// (or `pool`), else from malloc. Allocation failure is an error, never a trap.
    static func allocate(_ count: Int, zeroed: Bool, pool: Workspace? = Workspace.current) throws -> TensorStorage {
        guard count > 0 else { return .empty }
        let bytes = try checkedBytes(count)
        if let pool, let reused = pool.take(count) {
            if zeroed { reused.update(repeating: 0, count: count) }
            TensorMemory.add(bytes)
            return TensorStorage(base: reused, count: count, owner: .pool(pool))
        }
        let raw = zeroed ? calloc(count, MemoryLayout<Float>.stride) : malloc(bytes)
        guard let raw else {
            throw AclaError.outOfMemory("could not allocate \(bytes) bytes for a tensor of \(count) floats")
        }
        AllocationCounter.record(bytes: bytes)
        TensorMemory.add(bytes)
        let p = raw.bindMemory(to: Float.self, capacity: count)
        return TensorStorage(base: p, count: count, owner: pool.map { .pool($0) } ?? .heap)
    }

    /// A view of memory owned by `owner` (which this storage keeps alive), or of a caller's buffer
    /// for the duration of a call (`owner` nil: the caller guarantees the lifetime).
    static func view(_ base: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject?) -> TensorStorage {
        count > 0 ? TensorStorage(base: base, count: count, owner: .view(owner)) : .empty
    }

    var isView: Bool {
        if case .view = owner { return true }
        return false
    }

    deinit {
        guard count > 0 else { return }
        switch owner {
        case .heap:
            free(base)
            TensorMemory.remove(count * MemoryLayout<Float>.stride)
        case .pool(let pool):
            pool.give(base, count: count)
            TensorMemory.remove(count * MemoryLayout<Float>.stride)
        case .view: break
        }
    }

    static func checkedBytes(_ count: Int) throws -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow, count >= 0 else {
            throw AclaError.outOfMemory("a tensor of \(count) floats does not fit the address space")
        }
        return bytes
    }
}

/// Counts the heap allocations tensors make (the workspace's reuses are not counted): the
/// measure of "no buffer is reused" and its fix (bench, tests).
public enum AllocationCounter {
    nonisolated(unsafe) private static var allocations = 0
    nonisolated(unsafe) private static var allocatedBytes = 0
    private static let lock = Mutex()

    static func record(bytes: Int) {
        lock.locked {
            allocations += 1
            allocatedBytes &+= bytes
        }
    }

    /// (allocations, bytes) since the process started.
    public static var snapshot: (allocations: Int, bytes: Int) { lock.locked { (allocations, allocatedBytes) } }
}

/// Bytes of tensor storage in use across the process (owned storage and scratch; not views, not
/// what workspaces hold for reuse) and the most in use since `resetPeak`: what the working-set
/// estimate (`WorkingSet`) bounds, measured (tests).
public enum TensorMemory {
    private static let live = Atomic<Int>(0)
    private static let highest = Atomic<Int>(0)

    static func add(_ bytes: Int) {
        let now = live.add(bytes, ordering: .relaxed).newValue
        var seen = highest.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = highest.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    static func remove(_ bytes: Int) { live.subtract(bytes, ordering: .relaxed) }

    public static var inUse: Int { live.load(ordering: .relaxed) }
    public static var peak: Int { highest.load(ordering: .relaxed) }
    /// Starts a new peak from what is in use now.
    public static func resetPeak() { highest.store(live.load(ordering: .relaxed), ordering: .relaxed) }
}
