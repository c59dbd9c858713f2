/// A dense float32 array in row-major order; 4-D tensors are NCHW. A value type: copies share
/// storage until written (copy-on-write, `TensorData`).
public struct Tensor: Sendable, Equatable {
    public let shape: [Int]
    public var data: TensorData

    /// A tensor of zeros. Callers validate untrusted shapes with `CheckedSize` first; ops use the
    /// throwing `checkedZeros` / `uninitialized` so that a failed allocation is an error.
    public init(zeros shape: [Int]) {
        self.shape = shape
        // swiftlint:disable:next force_try
        self.data = TensorData(storage: try! TensorStorage.allocate(shape.reduce(1, *), zeroed: true))
    }

    /// A tensor of zeros for a shape computed from outside data: negative, overflowing or absurd
    /// dimensions (also next to a zero dimension) and failed allocations are an AclaError.
    public init(checkedZeros shape: [Int], what: String = "tensor") throws {
        let count = try Tensor.checkedCount(shape, what: what)
        self.shape = shape
        self.data = TensorData(storage: try TensorStorage.allocate(count, zeroed: true))
    }

    /// A tensor whose elements the caller writes before reading any (op outputs): no zero fill.
    public init(uninitialized shape: [Int], what: String = "tensor") throws {
        let count = try Tensor.checkedCount(shape, what: what)
        self.shape = shape
        self.data = TensorData(storage: try TensorStorage.allocate(count, zeroed: false))
    }

    public init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { data.withUnsafeMutableBufferPointer { $0.update(repeating: value) } }
    }

    public init(shape: [Int], data: [Float]) throws {
        let count = try Tensor.checkedCount(shape, what: "tensor")
        guard count == data.count else {
            throw AclaError.shape("shape \(shape) needs \(count) values, got \(data.count)")
        }
        self.shape = shape
        self.data = try TensorData(copying: data)
    }

    /// A tensor over existing elements (shared, copy-on-write).
    public init(shape: [Int], data: TensorData) throws {
        let count = try Tensor.checkedCount(shape, what: "tensor")
        guard count == data.count else {
            throw AclaError.shape("shape \(shape) needs \(count) values, got \(data.count)")
        }
        self.shape = shape
        self.data = data
    }

    /// A read-only view of `count` floats at `base`, kept alive by `owner` (or, when nil, valid only
    /// while the caller says: a C caller's input during the call). Writing the tensor copies it.
    init(viewing base: UnsafeMutablePointer<Float>, shape: [Int], owner: AnyObject?) {
        self.shape = shape
        self.data = TensorData(storage: .view(base, count: shape.reduce(1, *), owner: owner))
    }

    /// A view of a caller's buffer for the duration of a call (no copy): the caller guarantees the
    /// buffer outlives every use; the library never writes through it.
    public static func borrowing(_ buffer: UnsafePointer<Float>, shape: [Int]) throws -> Tensor {
        _ = try Tensor.checkedCount(shape, what: "tensor")
        return Tensor(viewing: UnsafeMutablePointer(mutating: buffer), shape: shape, owner: nil)
    }

    /// The element count of a shape: no negative dimension, no overflow, and the other dimensions
    /// in range next to a zero one (the ops still multiply them: h*w, n*c).
    static func checkedCount(_ shape: [Int], what: String) throws -> Int {
        let count = try CheckedSize.product(shape, what: what)
        _ = try CheckedSize.product(shape.map { Swift.max($0, 1) }, what: what)
        return count
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

extension TensorData: @unchecked Sendable {}
