/// Where a convolution writes: a new tensor, or a caller's buffer (the network's last layer
/// writes straight into the C caller's output, so no full-map copy follows the forward). The
/// result is then a read-only view of that buffer: a later write to it copies, as for any view.
struct ConvolutionOutput {
    private(set) var tensor: Tensor
    private let destination: UnsafeMutablePointer<Float>?

    init(shape: [Int], into destination: UnsafeMutableBufferPointer<Float>?) throws {
        guard let destination else {
            tensor = try Tensor(uninitialized: shape, what: "conv2d output")
            self.destination = nil
            return
        }
        let count = try CheckedSize.product(shape, what: "conv2d output")
        guard destination.count == count, let base = destination.baseAddress else {
            throw AclaError.shape("conv2d output \(shape) needs \(count) floats, the destination holds \(destination.count)")
        }
        tensor = Tensor(viewing: base, shape: shape, owner: nil)
        self.destination = base
    }

    /// The kernel's output pointer (the destination's, or the new tensor's).
    mutating func withBase<R>(_ body: (UnsafeMutablePointer<Float>?) throws -> R) rethrows -> R {
        if let destination { return try body(destination) }
        return try tensor.data.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
    }
}
