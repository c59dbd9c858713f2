import AclaKernels

/// A node of the reverse-mode tape: a value, and (when it was computed from something that wants
/// a gradient) the parents and the function that maps its gradient to theirs.
public final class Variable {
    public internal(set) var value: Tensor
    /// Accumulated gradient of a leaf that requires one (parameters, or inputs marked so); nil
    /// until a backward pass reaches it. A parameter's gradient is a view of the arena's.
    public var grad: Tensor? {
        get { slot.map { $0.arena.gradientView($0.index) } ?? ownGrad }
        set {
            guard let slot else { ownGrad = newValue; return }
            if let newValue { slot.arena.setGradient(slot.index, newValue) } else { slot.arena.clearGradient(slot.index) }
        }
    }
    private var ownGrad: Tensor?
    public let requiresGrad: Bool
    /// Where a parameter lives once its model is complete (`ParameterStore.seal`).
    private(set) var slot: (arena: ParameterArena, index: Int)?
    private var ownVersion: UInt64 = ParameterArena.nextVersion()
    // `var` only so that deinit can take them apart (see below); never reassigned otherwise.
    private(set) var parents: [Variable]
    private(set) var backwardFn: ((Tensor) throws -> [Tensor?])?

    /// A leaf: a parameter (`requiresGrad: true`) or a constant input.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.parents = []
        self.backwardFn = nil
    }

    init(value: Tensor, parents: [Variable], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.value = value
        self.requiresGrad = true
        self.parents = parents
        self.backwardFn = backward
    }

    /// Releases the tape behind this node iteratively. The default release is recursive (each
    /// node frees its parents from inside its own deinit), which overflows the stack on tapes a
    /// few ten thousand ops deep (less on threads with small stacks). Here every node that only
    /// this teardown still holds hands its parents (and its closure, which captures them) to a
    /// work list before it is freed, so each deinit is shallow.
    deinit {
        guard !parents.isEmpty else { return }
        var pending = parents
        parents = []
        backwardFn = nil
        while var node = pending.popLast() {
            guard isKnownUniquelyReferenced(&node) else { continue }
            pending.append(contentsOf: node.parents)
            node.parents = []
            node.backwardFn = nil
        }
    }

    public var shape: [Int] { value.shape }

    /// Replaces a leaf's value in place (optimisers, set_parameter); the shape must not change.
    public func assign(_ newValue: Tensor) throws {
        guard backwardFn == nil else { throw AclaError.state("only a leaf variable can be assigned") }
        try newValue.requireShape(value.shape, "assigned value")
        if let slot {
            slot.arena.write(slot.index, from: newValue)
        } else {
            value = newValue
            ownVersion = ParameterArena.nextVersion()
        }
    }

    /// Changes whenever the value is written (assign, an arena write): caches of values derived
    /// from this one (packed or transformed convolution weights) compare it.
    public var version: UInt64 { slot.map { $0.arena.version(of: $0.index) } ?? ownVersion }

    /// Moves this leaf into the arena (its value is already copied there).
    func bind(to arena: ParameterArena, index: Int) {
        slot = (arena, index)
        value = arena.valueView(index)
        if let ownGrad { arena.setGradient(index, ownGrad) }
        ownGrad = nil
    }

    /// Adds a backward contribution to this leaf's gradient.
    func accumulateGradient(_ g: Tensor) throws {
        if let slot {
            slot.arena.accumulate(slot.index, g)
        } else {
            ownGrad = try ownGrad.map { try Variable.sum($0, g) } ?? g
        }
    }

    /// The result of an op: recorded on the tape only when grad mode is on and a parent wants a
    /// gradient, so inference builds no graph at all.
    static func result(_ value: Tensor, parents: [Variable],
                       backward: @escaping (Tensor) throws -> [Tensor?]) -> Variable {
        guard GradMode.isEnabled, parents.contains(where: { $0.requiresGrad }) else {
            return Variable(value)
        }
        return Variable(value: value, parents: parents, backward: backward)
    }
}

/// Whether ops record the tape on the calling thread (thread-local, so concurrent inference on
/// other handles is unaffected).
public enum GradMode {
    public static var isEnabled: Bool { ak_grad_enabled() != 0 }

    /// Runs `body` with recording switched off (inference, optimiser updates).
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        let previous = ak_grad_enabled()
        ak_set_grad_enabled(0)
        defer { ak_set_grad_enabled(previous) }
        return try body()
    }
}
