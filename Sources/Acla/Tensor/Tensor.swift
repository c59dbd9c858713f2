/// A dense float32 array in row-major order; 4-D tensors are NCHW. A value type: copies share
/// storage until written (Swift arrays' copy-on-write).
public struct Tensor: Sendable, Equatable {
    public let shape: [Int]
    public var data: [Float]

    /// A tensor of zeros. Callers validate untrusted shapes with `CheckedSize` first.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor of zeros for a shape computed from outside data: negative, overflowing or absurd
    /// dimensions (also next to a zero dimension) are an AclaError instead of a trap.
    public init(checkedZeros shape: [Int], what: String = "tensor") throws {
        _ = try CheckedSize.product(shape, what: what)
        _ = try CheckedSize.product(shape.map { Swift.max($0, 1) }, what: what)
        self.init(zeros: shape)
    }

    public init(shape: [Int], repeating value: Float) {
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    public init(shape: [Int], data: [Float]) throws {
        let count = try CheckedSize.product(shape)
        // A zero dimension makes the count 0 whatever the others are; the ops still multiply the
        // other dimensions (h*w, n*c), so they must be in range too.
        _ = try CheckedSize.product(shape.map { Swift.max($0, 1) })
        guard count == data.count else {
            throw AclaError.shape("shape \(shape) needs \(count) values, got \(data.count)")
        }
        self.shape = shape
        self.data = data
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// NCHW accessors; valid for rank-4 tensors only.
    public var n: Int { shape[0] }
    public var c: Int { shape[1] }
    public var h: Int { shape[2] }
    public var w: Int { shape[3] }

    /// A tensor with the same data and a new shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, data: data)
    }

    public func requireRank(_ r: Int, _ what: String) throws {
        guard rank == r else { throw AclaError.shape("\(what) must have rank \(r), got shape \(shape)") }
    }

    public func requireShape(_ s: [Int], _ what: String) throws {
        guard shape == s else { throw AclaError.shape("\(what) must have shape \(s), got \(shape)") }
    }

    /// Largest absolute difference to another tensor of the same shape.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        var m: Float = 0
        for i in 0..<Swift.min(count, other.count) { m = Swift.max(m, abs(data[i] - other.data[i])) }
        return m
    }
}
