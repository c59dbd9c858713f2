import Glibc

/// Every parameter of a model in one flat float buffer, and their gradients in another, in the
/// registry (checkpoint) order; each parameter `Variable` is a view of its range. Optimisers,
/// gradient clipping, all-reduce and checkpoints loop over the flat buffers; a version number per
/// parameter, bumped on every write, keys caches of transformed weights (convolution plans).
public final class ParameterArena {
    /// What a range of the arena holds. Groups are named ranges: the optimiser, the search's alpha
    /// optimiser and freezing work on groups.
    public enum ParameterGroup: String, CaseIterable, Sendable {
        case backbone, meanShift, attention, search
    }

    public struct Entry: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public let count: Int
        public let group: ParameterGroup
        /// Whether an optimiser updates it (MeanShift is fixed, as `requires_grad = False` in EDSR-PyTorch).
        public var trainable: Bool
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public private(set) var entries: [Entry]
    public let count: Int
    let values: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    private var versions: [UInt64]
    /// Whether an entry received a gradient since the last `zeroGradients` (a `nil` grad before).
    var hasGradient: [Bool]

    /// Allocates the buffers for `parameters` (name, current value) and copies the values in.
    init(_ parameters: [(name: String, value: Tensor)]) throws {
        var entries: [Entry] = []
        var offset = 0
        for (name, value) in parameters {
            let group = ParameterArena.group(of: name)
            entries.append(Entry(name: name, shape: value.shape, offset: offset, count: value.count, group: group,
                                 trainable: group != .meanShift))
            offset += value.count
        }
        let bytes = try TensorStorage.checkedBytes(max(offset, 1))
        guard let v = calloc(max(offset, 1), MemoryLayout<Float>.stride), let g = calloc(max(offset, 1), MemoryLayout<Float>.stride) else {
            throw AclaError.outOfMemory("could not allocate \(2 * bytes) bytes for \(offset) parameters and their gradients")
        }
        values = v.bindMemory(to: Float.self, capacity: max(offset, 1))
        gradients = g.bindMemory(to: Float.self, capacity: max(offset, 1))
        count = offset
        self.entries = entries
        versions = entries.map { _ in ParameterArena.nextVersion() }
        hasGradient = Array(repeating: false, count: entries.count)
        for (entry, (_, value)) in zip(entries, parameters) {
            value.data.withUnsafeBufferPointer { src in
                if let b = src.baseAddress { (values + entry.offset).update(from: b, count: entry.count) }
            }
        }
    }

    deinit {
        free(values)
        free(gradients)
    }

    static func group(of name: String) -> ParameterGroup {
        if name == "sub_mean.weight" || name == "sub_mean.bias" || name == "add_mean.weight" || name == "add_mean.bias" {
            return .meanShift
        }
        if name.hasPrefix("search.") { return .search }
        if name.hasPrefix("attention.") { return .attention }
        return .backbone
    }

    /// Read access to every parameter.
    public func readValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: values, count: count))
    }

    /// Write access to every parameter (an optimiser step, an all-reduce of weights); every
    /// parameter's version changes, so cached transformed weights are rebuilt.
    public func withValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        defer { for i in versions.indices { versions[i] = ParameterArena.nextVersion() } }
        return try body(UnsafeMutableBufferPointer(start: values, count: count))
    }

    /// Read-write access to every gradient (clipping, all-reduce).
    public func withGradients<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        for i in hasGradient.indices { hasGradient[i] = true }
        return try body(UnsafeMutableBufferPointer(start: gradients, count: count))
    }

    public func zeroGradients() {
        gradients.update(repeating: 0, count: max(count, 0))
        for i in hasGradient.indices { hasGradient[i] = false }
    }

    /// The ranges of one group, in registry order (adjacent entries merged).
    public func ranges(of group: ParameterGroup) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for e in entries where e.group == group && e.count > 0 {
            if let last = result.last, last.upperBound == e.offset {
                result[result.count - 1] = last.lowerBound..<e.range.upperBound
            } else {
                result.append(e.range)
            }
        }
        return result
    }

    /// Marks an entry trainable or frozen (an optimiser skips frozen entries).
    public func setTrainable(_ trainable: Bool, group: ParameterGroup) {
        for i in entries.indices where entries[i].group == group { entries[i].trainable = trainable }
    }

    func version(of index: Int) -> UInt64 { versions[index] }

    /// Overwrites one entry (assign, set_parameter, a checkpoint load).
    func write(_ index: Int, from value: Tensor) {
        let e = entries[index]
        value.data.withUnsafeBufferPointer { src in
            if let b = src.baseAddress { (values + e.offset).update(from: b, count: e.count) }
        }
        versions[index] = ParameterArena.nextVersion()
    }

    /// Adds a gradient into an entry's range (backward's leaf accumulation).
    func accumulate(_ index: Int, _ g: Tensor) {
        let e = entries[index]
        let dst = gradients + e.offset
        g.data.withUnsafeBufferPointer { src in
            if hasGradient[index] {
                for i in 0..<e.count { dst[i] += src[i] }
            } else if let b = src.baseAddress {
                dst.update(from: b, count: e.count)
            }
        }
        hasGradient[index] = true
    }

    func gradientView(_ index: Int) -> Tensor? {
        guard hasGradient[index] else { return nil }
        let e = entries[index]
        return Tensor(viewing: gradients + e.offset, shape: e.shape, owner: self)
    }

    func clearGradient(_ index: Int) {
        let e = entries[index]
        (gradients + e.offset).update(repeating: 0, count: e.count)
        hasGradient[index] = false
    }

    func setGradient(_ index: Int, _ g: Tensor) {
        hasGradient[index] = false
        accumulate(index, g)
    }

    func valueView(_ index: Int) -> Tensor {
        let e = entries[index]
        return Tensor(viewing: values + e.offset, shape: e.shape, owner: self)
    }

    /// Versions are unique across all arenas of the process, so a cache keyed by (version) alone
    /// never mistakes one parameter's weights for another's.
    nonisolated(unsafe) private static var counter: UInt64 = 0
    private static let counterLock = Mutex()
    static func nextVersion() -> UInt64 { counterLock.locked { counter += 1; return counter } }
}
