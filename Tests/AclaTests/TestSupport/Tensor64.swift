import Acla

/// A float64 tensor for reference computations in tests: plain row-major storage, NCHW for rank
/// 4. Deliberately shares no code with `Tensor` beyond conversion.
struct Tensor64: Equatable {
    var shape: [Int]
    var data: [Double]

    init(shape: [Int], data: [Double]) {
        precondition(shape.reduce(1, *) == data.count, "Tensor64 shape \(shape) needs \(shape.reduce(1, *)) values")
        self.shape = shape
        self.data = data
    }

    init(zeros shape: [Int]) { self.init(shape: shape, data: [Double](repeating: 0, count: shape.reduce(1, *))) }

    init(_ t: Tensor) { self.init(shape: t.shape, data: t.data.map(Double.init)) }

    var count: Int { data.count }

    /// Row-major flat index of an NCHW position.
    func index(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
        ((n * shape[1] + c) * shape[2] + y) * shape[3] + x
    }

    subscript(n: Int, c: Int, y: Int, x: Int) -> Double {
        get { data[index(n, c, y, x)] }
        set { data[index(n, c, y, x)] = newValue }
    }

    /// Rounded to float32 (the library's storage type).
    func tensor() -> Tensor {
        // Tests build small, valid shapes only.
        try! Tensor(shape: shape, data: data.map { Float($0) })
    }
}
