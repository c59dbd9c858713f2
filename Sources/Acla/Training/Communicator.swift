/// Data-parallel training's link between processes, supplied by the host (libacla.so links no
/// MPI): this process's rank, the world size, and an all-reduce (element-wise sum, in place, on
/// every rank) that must return within a timeout or fail. The trainer calls it at the same points
/// on every rank, in the same order, with the same buffer sizes.
public struct Communicator {
    /// Sums `buffer` over every rank in place (each rank ends with the same sums) within
    /// `timeout` seconds; throws (or, from C, returns non-zero) when it cannot.
    public typealias AllReduce = (_ buffer: UnsafeMutableBufferPointer<Float>, _ timeout: Double) throws -> Void

    public let rank: Int
    public let worldSize: Int
    /// Gradients are reduced in buckets of at most this many floats (a bounded message size).
    public let bucketElements: Int
    /// What each all-reduce call may take before it fails (a dead or hung rank).
    public let timeoutSeconds: Double
    let allReduceSum: AllReduce

    public static let defaultBucketElements = 1 << 20
    public static let defaultTimeoutSeconds = 300.0

    public init(rank: Int, worldSize: Int, bucketElements: Int = Communicator.defaultBucketElements,
                timeoutSeconds: Double = Communicator.defaultTimeoutSeconds, allReduce: @escaping AllReduce) throws {
        guard (1...(1 << 20)).contains(worldSize) else {
            throw AclaError.invalidArgument("world size must be within 1...\(1 << 20), got \(worldSize)")
        }
        guard (0..<worldSize).contains(rank) else {
            throw AclaError.invalidArgument("rank must be within 0...\(worldSize - 1) (world size \(worldSize)), got \(rank)")
        }
        guard (1...(1 << 30)).contains(bucketElements) else {
            throw AclaError.invalidArgument("all-reduce bucket must be within 1...\(1 << 30) floats, got \(bucketElements)")
        }
        guard timeoutSeconds.isFinite, timeoutSeconds > 0, timeoutSeconds <= 1e7 else {
            throw AclaError.invalidArgument("all-reduce timeout must be finite and within (0, 1e7] seconds, got \(timeoutSeconds)")
        }
        self.rank = rank
        self.worldSize = worldSize
        self.bucketElements = bucketElements
        self.timeoutSeconds = timeoutSeconds
        self.allReduceSum = allReduce
    }

    /// Rank 0 alone writes checkpoints, logs and validation results.
    public var isLeader: Bool { rank == 0 }

    /// This rank's slice of a global batch of `n` samples of the folder trainer (balanced,
    /// in rank order: the shards concatenated are samples 0..<n).
    public func shard(of n: Int) throws -> Range<Int> {
        guard n >= worldSize else {
            throw AclaError.invalidArgument("the global batch (\(n)) must hold at least one sample per rank (\(worldSize) ranks)")
        }
        return (rank * n / worldSize)..<((rank + 1) * n / worldSize)
    }

    /// All-reduces `buffer` in buckets; `what` names the call in the error.
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, what: String) throws {
        guard let base = buffer.baseAddress else { return }
        var start = 0, bucket = 0
        let buckets = (buffer.count + bucketElements - 1) / bucketElements
        while start < buffer.count {
            let count = min(bucketElements, buffer.count - start)
            do {
                try allReduceSum(UnsafeMutableBufferPointer(start: base + start, count: count), timeoutSeconds)
            } catch let e as AclaError {
                throw AclaError(e.status, "all-reduce of \(what) (bucket \(bucket + 1) of \(buckets), \(count) floats) failed on rank \(rank) of \(worldSize): \(e.message)")
            } catch {
                throw AclaError.state("all-reduce of \(what) (bucket \(bucket + 1) of \(buckets), \(count) floats) failed on rank \(rank) of \(worldSize): \(error)")
            }
            start += count
            bucket += 1
        }
    }

    /// All-reduces a few doubles exactly enough for losses: each is sent as a float and the
    /// float of its remainder, so the sums keep ~48 bits.
    func allReduce(_ values: [Double], what: String) throws -> [Double] {
        var parts = [Float](repeating: 0, count: 2 * values.count)
        for (i, v) in values.enumerated() {
            let hi = Float(v)
            parts[2 * i] = hi
            parts[2 * i + 1] = hi.isFinite ? Float(v - Double(hi)) : 0
        }
        try parts.withUnsafeMutableBufferPointer { try allReduce($0, what: what) }
        return (0..<values.count).map { Double(parts[2 * $0]) + Double(parts[2 * $0 + 1]) }
    }
}
