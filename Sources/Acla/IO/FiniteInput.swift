/// The refusal of NaN and infinite network inputs (a forward pass would turn them into a NaN
/// output silently): the first bad element is named by its flat index and NCHW position.
public enum FiniteInput {
    /// The flat index of the first NaN or infinity, or nil.
    public static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        for i in values.indices where !values[i].isFinite { return i }
        return nil
    }

    /// Throws invalidArgument when `values` (laid out as `shape`, NCHW) hold a NaN or an
    /// infinity; `allowHint` says how the caller lets such input through.
    public static func require(_ values: UnsafeBufferPointer<Float>, shape: [Int], allowHint: String) throws {
        guard let index = firstNonFinite(values) else { return }
        var position = ""
        if shape.count == 4, shape.allSatisfy({ $0 > 0 }) {
            let (c, h, w) = (shape[1], shape[2], shape[3])
            position = " (n \(index / (c * h * w)), c \(index / (h * w) % c), y \(index / w % h), x \(index % w))"
        }
        throw AclaError.invalidArgument(
            "input has a non-finite value \(values[index]) at index \(index)\(position); \(allowHint)")
    }
}
