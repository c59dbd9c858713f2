/// The trainer's view of a model's parameters as one flat vector in registry order (the
/// checkpoint order): which entries an optimiser updates, grouped as the core's parameter arena
/// groups them. MeanShift (`sub_mean`, `add_mean`) is not trainable, as in EDSR-PyTorch.
public struct ParameterLayout: Sendable {
    public enum Group: String, Sendable { case backbone, meanShift, attention, search }

    public struct Entry: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public let count: Int
        public let group: Group
        public var trainable: Bool { group != .meanShift }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public let entries: [Entry]
    public let count: Int

    public init(_ store: ParameterStore) {
        var entries: [Entry] = []
        var offset = 0
        for (name, v) in store.parameters {
            let n = v.value.count
            entries.append(Entry(name: name, shape: v.shape, offset: offset, count: n, group: Self.group(of: name)))
            offset += n
        }
        self.entries = entries
        count = offset
    }

    static func group(of name: String) -> Group {
        if name.hasPrefix("sub_mean.") || name.hasPrefix("add_mean.") { return .meanShift }
        if name.hasPrefix("attention.") { return .attention }
        if name.hasPrefix("search.") { return .search }
        return .backbone
    }

    /// Ranges of the trainable entries of `groups`, adjacent ranges merged.
    public func trainableRanges(_ groups: Set<Group>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for e in entries where e.trainable && groups.contains(e.group) && e.count > 0 {
            if let last = out.last, last.upperBound == e.offset {
                out[out.count - 1] = last.lowerBound..<e.range.upperBound
            } else {
                out.append(e.range)
            }
        }
        return out
    }
}
