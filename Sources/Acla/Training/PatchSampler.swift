/// Random training batches: patch `b` of batch `k` is a pure function of (seed, purpose, k, b),
/// so batches are the same on any thread count, in any order, and after a resume.
///
/// For each patch, from its own stream: the image (uniform), the input patch's top-left corner
/// (uniform over every position), the dihedral transform (uniform over 8, when augmenting), the
/// channel order (uniform over 6, with `colorAugment`: drawn only then, so runs without it keep
/// their streams), then the task's random degradation (sigma and noise, or JPEG quality). Super-resolution crops the
/// input and the target at aligned positions (target = input corner x scale).
public struct PatchSampler {
    public let images: TrainingImages
    public let config: ModelConfig
    public let degradation: DegradationSettings
    /// Side of the input patch (the LR patch for super-resolution).
    public let patchSize: Int
    public let batchSize: Int
    public let augment: Bool
    /// Random RGB channel order per patch (ChannelPermutation).
    public let colorAugment: Bool
    public let seed: UInt64

    public init(images: TrainingImages, config: ModelConfig, degradation: DegradationSettings, patchSize: Int,
                batchSize: Int, augment: Bool = true, colorAugment: Bool = false, seed: UInt64) throws {
        guard (1...4096).contains(patchSize) else { throw AclaError.invalidArgument("patch size must be within 1...4096, got \(patchSize)") }
        guard (1...4096).contains(batchSize) else { throw AclaError.invalidArgument("batch size must be within 1...4096, got \(batchSize)") }
        try degradation.validate()
        for item in images.items {
            let (h, w) = item.inputSize
            guard h >= patchSize, w >= patchSize else {
                throw AclaError.invalidArgument("image '\(item.name)' has an input of \(w)x\(h), smaller than the patch \(patchSize)")
            }
            guard item.target.channels == config.channels else {
                throw AclaError.invalidArgument("image '\(item.name)' has \(item.target.channels) channels, the model \(config.channels)")
            }
        }
        guard !images.items.isEmpty else { throw AclaError.invalidArgument("no training images") }
        self.images = images
        self.config = config
        self.degradation = degradation
        self.patchSize = patchSize
        self.batchSize = batchSize
        self.augment = augment
        self.colorAugment = colorAugment
        self.seed = seed
    }

    public var inputShape: [Int] { [batchSize, config.channels, patchSize, patchSize] }
    public var targetShape: [Int] { [batchSize, config.channels, patchSize * config.scale, patchSize * config.scale] }

    /// Batch `index` of the stream `purpose` (training batches: `.patch`; the search's alpha
    /// steps draw validation-set batches with `.alphaPatch`).
    /// `samples` picks a slice of the batch (a data-parallel rank's shard): its patches are
    /// exactly those of the whole batch at those slots.
    public func batch(_ index: Int64, purpose: RandomStreams.Purpose = .patch,
                      samples: Range<Int>? = nil) throws -> (input: Tensor, target: Tensor) {
        let slots = samples ?? 0..<batchSize
        guard !slots.isEmpty, slots.lowerBound >= 0, slots.upperBound <= batchSize else {
            throw AclaError.invalidArgument("batch slice \(slots) is not a non-empty part of 0..<\(batchSize)")
        }
        var (inShape, outShape) = (inputShape, targetShape)
        (inShape[0], outShape[0]) = (slots.count, slots.count)
        var input = try Tensor(checkedZeros: inShape, what: "training input batch")
        var target = try Tensor(checkedZeros: outShape, what: "training target batch")
        for b in slots {
            var rng = RandomStreams.generator(seed: seed, purpose, UInt64(bitPattern: index), UInt64(b))
            let (lq, hq) = try patch(&rng)
            try write(lq, into: &input, slot: b - slots.lowerBound)
            try write(hq, into: &target, slot: b - slots.lowerBound)
        }
        return (input, target)
    }

    /// One (input, target) pair as HWC floats / 8-bit target.
    private func patch(_ rng: inout RandomGenerator) throws -> (FloatImage, Image8) {
        let item = images.items[rng.index(below: images.items.count)]
        let (h, w) = item.inputSize
        let p = patchSize, s = config.scale
        let y = rng.index(below: h - p + 1), x = rng.index(below: w - p + 1)
        let t = augment ? rng.index(below: Dihedral.count) : 0
        let order = colorAugment ? rng.index(below: ChannelPermutation.count) : 0
        func transformed(_ image: Image8) -> Image8 { ChannelPermutation.apply(order, to: Dihedral.apply(t, to: image)) }
        if let lr = item.input {
            let lq = transformed(try lr.cropped(top: y, left: x, height: p, width: p))
            let hq = transformed(try item.target.cropped(top: y * s, left: x * s, height: p * s, width: p * s))
            return (FloatImage(lq), hq)
        }
        let hq = transformed(try item.target.cropped(top: y, left: x, height: p, width: p))
        let values = try degradation.degrade(hq, task: config.task, rng: &rng)
        return (FloatImage(validatedWidth: p, height: p, channels: hq.channels, values: values), hq)
    }

    /// HWC -> slot `b` of an NCHW batch.
    private func write(_ image: FloatImage, into t: inout Tensor, slot b: Int) throws {
        let (c, h, w) = (image.channels, image.height, image.width)
        guard t.shape == [t.shape[0], c, h, w], b < t.shape[0] else {
            throw AclaError.internal("patch \(w)x\(h)x\(c) does not fit a batch of shape \(t.shape)")
        }
        let plane = h * w, base = b * c * plane
        image.values.withUnsafeBufferPointer { src in
            t.data.withUnsafeMutableBufferPointer { dst in
                for p in 0..<plane {
                    for ch in 0..<c { dst[base + ch * plane + p] = src[p * c + ch] }
                }
            }
        }
    }

    private func write(_ image: Image8, into t: inout Tensor, slot b: Int) throws {
        try write(FloatImage(image), into: &t, slot: b)
    }
}
