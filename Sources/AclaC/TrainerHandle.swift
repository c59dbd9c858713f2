import Acla

/// What an `acla_trainer *` points to: the trainer and the model box it trains (kept alive, so
/// destroying the model first is safe), plus the last validation of a folder run.
final class TrainerBox {
    let model: ModelBox
    let trainer: Trainer
    var lastValidation: (psnr: Double, ssim: Double)?

    init(model: ModelBox, trainer: Trainer) {
        self.model = model
        self.trainer = trainer
    }

    /// A new handle registered in `trainers`; `acla_trainer_destroy` unregisters it.
    func retainedHandle() throws -> OpaquePointer { try trainers.insert(self) }
}

/// Every live `acla_trainer *` (HandleRegistry: a destroyed or garbage handle is an error).
let trainers = HandleRegistry<TrainerBox>(.trainer)

func trainerBox(_ p: OpaquePointer?) throws -> TrainerBox {
    try trainers.object(p, "trainer")
}

/// An NCHW input and a target of the model's output shape, borrowed from the caller, validated
/// before any of their memory is read.
func trainingBatch(_ network: Network, _ input: UnsafePointer<Float>?, _ n: Int32, _ c: Int32, _ h: Int32, _ w: Int32,
                   _ target: UnsafePointer<Float>?, _ targetLength: UInt) throws -> (Tensor, Tensor) {
    let input = try requireNonNull(input, "input")
    let target = try requireNonNull(target, "target")
    let shape = [Int(n), Int(c), Int(h), Int(w)]
    try network.validateInput(shape: shape)
    let size = try network.outputSize(height: Int(h), width: Int(w))
    let targetShape = [Int(n), size.channels, size.height, size.width]
    let expected = try CheckedSize.product(targetShape, what: "training target")
    guard targetLength == UInt(expected) else {
        throw AclaError.shape("target_len is \(targetLength) floats, the model's output \(targetShape) for input \(shape) needs \(expected)")
    }
    return (try Tensor.borrowing(input, shape: shape), try Tensor.borrowing(target, shape: targetShape))
}
