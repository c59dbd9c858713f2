/// The elements of a tensor: a copy-on-write collection of floats over a `TensorStorage` (owned,
/// pooled, or a view of the parameter arena or of a caller's buffer). It reads like `[Float]`.
public struct TensorData: RandomAccessCollection, MutableCollection, Equatable, ExpressibleByArrayLiteral {
    var storage: TensorStorage

    init(storage: TensorStorage) { self.storage = storage }

    public init(_ values: [Float]) {
        // A literal or array that cannot be allocated traps, as building the array itself would;
        // library code copies arrays of outside sizes through `init(copying:)`.
        // swiftlint:disable:next force_try
        self = try! TensorData(copying: values)
    }

    /// A copy of `values`; a failed allocation is an error.
    public init(copying values: [Float]) throws {
        let s = try TensorStorage.allocate(values.count, zeroed: false, pool: nil)
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { s.base.initialize(from: b, count: values.count) } }
        storage = s
    }

    public init(arrayLiteral elements: Float...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public var count: Int { storage.count }

    public subscript(i: Int) -> Float {
        get {
            precondition(i >= 0 && i < storage.count, "tensor index \(i) out of range 0..<\(storage.count)")
            return storage.base[i]
        }
        set {
            precondition(i >= 0 && i < storage.count, "tensor index \(i) out of range 0..<\(storage.count)")
            makeUnique()
            storage.base[i] = newValue
        }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.count > 0 ? storage.base : nil, count: storage.count))
    }

    /// Write access to the elements; copies first when the storage is shared or a view.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.count > 0 ? storage.base : nil, count: storage.count))
    }

    public static func == (a: TensorData, b: TensorData) -> Bool {
        guard a.count == b.count else { return false }
        if a.storage === b.storage { return true }
        for i in 0..<a.count where a.storage.base[i] != b.storage.base[i] { return false }
        return true
    }

    /// Copies before a write unless this value alone owns writable storage. Traps only when the
    /// copy cannot be allocated (as `[Float]` does); ops allocate their outputs through throwing
    /// initialisers first, so a large copy here is never the first touch of new memory.
    private mutating func makeUnique() {
        guard storage.count > 0 else { return }
        if isKnownUniquelyReferenced(&storage), !storage.isView { return }
        let copy = try! TensorStorage.allocate(storage.count, zeroed: false)
        copy.base.initialize(from: storage.base, count: storage.count)
        storage = copy
    }
}

extension TensorData {
    /// `count` floats for a kernel's scratch or a layout copy (from the current workspace when one
    /// is installed); a failed allocation is an error.
    public static func buffer(_ count: Int, zeroed: Bool) throws -> TensorData {
        TensorData(storage: try TensorStorage.allocate(count, zeroed: zeroed))
    }
}
