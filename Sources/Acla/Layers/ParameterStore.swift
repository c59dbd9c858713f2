/// Every parameter of a model, by its checkpoint name (EDSR-PyTorch / RCAN naming, ATTENTION.md
/// section 7), in registration order. Checkpoint I/O, get/set_parameter and optimiser state all
/// go through it.
public final class ParameterStore {
    public private(set) var names: [String] = []
    private var byName: [String: Variable] = [:]

    public init() {}

    /// Registers a trainable parameter; names are unique.
    @discardableResult
    public func register(_ name: String, _ value: Tensor) throws -> Variable {
        guard byName[name] == nil else { throw AclaError.internal("parameter \(name) registered twice") }
        let v = Variable(value, requiresGrad: true)
        names.append(name)
        byName[name] = v
        return v
    }

    public subscript(name: String) -> Variable? { byName[name] }

    public var parameters: [(name: String, variable: Variable)] { names.map { ($0, byName[$0]!) } }

    public var parameterCount: Int { names.reduce(0) { $0 + byName[$1]!.value.count } }

    public func zeroGradients() {
        for v in byName.values { v.grad = nil }
    }
}
