/// Every parameter of a model, by its checkpoint name (EDSR-PyTorch / RCAN naming, ATTENTION.md
/// section 7), in registration order. Checkpoint I/O, get/set_parameter and optimiser state all
/// go through it. Once the model is complete, `seal` moves the parameters into one
/// `ParameterArena` (flat values and gradients); before that each owns its tensor.
public final class ParameterStore {
    public private(set) var names: [String] = []
    private var byName: [String: Variable] = [:]
    private var ordered: [Variable] = []
    /// The flat storage, after `seal` (nil while the model is being built).
    public private(set) var arena: ParameterArena?

    public init() {}

    /// Registers a trainable parameter; names are unique.
    @discardableResult
    public func register(_ name: String, _ value: Tensor) throws -> Variable {
        guard arena == nil else { throw AclaError.internal("parameter \(name) registered after the store was sealed") }
        guard byName[name] == nil else { throw AclaError.internal("parameter \(name) registered twice") }
        let v = Variable(value, requiresGrad: true)
        names.append(name)
        byName[name] = v
        ordered.append(v)
        return v
    }

    /// Moves every parameter into one arena, in registry order; registration ends here.
    public func seal() throws {
        guard arena == nil else { return }
        let arena = try ParameterArena(zip(names, ordered).map { ($0, $1.value) })
        for (i, v) in ordered.enumerated() { v.bind(to: arena, index: i) }
        self.arena = arena
    }

    public subscript(name: String) -> Variable? { byName[name] }

    public var parameters: [(name: String, variable: Variable)] { Array(zip(names, ordered)) }

    public var parameterCount: Int { ordered.reduce(0) { $0 + $1.value.count } }

    public func zeroGradients() {
        if let arena {
            arena.zeroGradients()
        } else {
            for v in ordered { v.grad = nil }
        }
    }
}
