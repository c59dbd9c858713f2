import Glibc

/// A convolution with its weight and bias registered under `name.weight` / `name.bias`, run
/// through its own plan (algorithm per shape, prepared weights, fused epilogue).
public struct Conv2dLayer {
    public let weight: Variable
    public let bias: Variable?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let plan: ConvolutionPlan

    /// PyTorch's Conv2d default initialisation: weight ~ U(-b, b) with b = 1/sqrt(fan_in)
    /// (kaiming_uniform with a = sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    /// The weight is drawn first, then the bias, as PyTorch does.
    public init(_ name: String, in cin: Int, out cout: Int, kernel k: Int, bias hasBias: Bool = true,
                store: ParameterStore, rng: inout RandomGenerator) throws {
        let fanIn = Double(cin * k * k)
        let bound = 1 / fanIn.squareRoot()
        var w = try Tensor(checkedZeros: [cout, cin, k, k], what: name + ".weight")
        for i in 0..<w.count { w.data[i] = Float(rng.uniform(-bound, bound)) }
        weight = try store.register(name + ".weight", w)
        if hasBias {
            var b = try Tensor(checkedZeros: [cout], what: name + ".bias")
            for i in 0..<cout { b.data[i] = Float(rng.uniform(-bound, bound)) }
            bias = try store.register(name + ".bias", b)
        } else {
            bias = nil
        }
        inChannels = cin
        outChannels = cout
        kernelSize = k
        plan = ConvolutionPlan(inChannels: cin, outChannels: cout, kernelSize: k)
    }

    /// A convolution with given initial values (zero-initialised projections, MeanShift).
    public init(_ name: String, weight w: Tensor, bias b: Tensor?, store: ParameterStore) throws {
        try w.requireRank(4, name + ".weight")
        weight = try store.register(name + ".weight", w)
        bias = try b.map { try store.register(name + ".bias", $0) }
        outChannels = w.shape[0]
        inChannels = w.shape[1]
        kernelSize = w.shape[2]
        plan = ConvolutionPlan(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize)
    }

    /// `destination`: write the output into this buffer (exactly the output's size).
    public func callAsFunction(_ x: Variable, epilogue: ConvolutionEpilogue = .none,
                               into destination: UnsafeMutableBufferPointer<Float>? = nil) throws -> Variable {
        try plan.forward(x, weight: weight, bias: bias, epilogue: epilogue, into: destination)
    }
}
