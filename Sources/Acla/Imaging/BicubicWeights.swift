/// Boundary rule of MATLAB's imresize for taps outside the image (CONVENTIONS.md section 2).
public enum ResizeBoundary: String, Sendable, CaseIterable {
    /// Mirror with the edge pixel repeated (MATLAB's default; EDSR-style benchmark LR images).
    case symmetric
    /// Clamp to the edge pixel (RCAN/RNAN's benchmark LR images).
    case replicate
}

/// The contributions of MATLAB's `imresize(..., 'bicubic')` along one dimension: for each
/// output index `taps` weights and 0-based input indices, computed in double exactly as
/// MATLAB's `contributions()` does (the order of the arithmetic matters for bit-exactness).
public struct BicubicAxis: Sendable {
    public let inLength: Int
    public let outLength: Int
    public let taps: Int
    /// outLength x taps, row-major.
    public let weights: [Double]
    /// outLength x taps, 0-based, each in 0..<inLength.
    public let indices: [Int32]

    /// Keys' cubic with a = -0.5, written as MATLAB's `cubic()` writes it.
    @inlinable public static func cubic(_ x: Double) -> Double {
        let absx = abs(x)
        let absx2 = absx * absx
        let absx3 = absx2 * absx
        if absx <= 1 { return 1.5 * absx3 - 2.5 * absx2 + 1 }
        if absx <= 2 { return -0.5 * absx3 + 2.5 * absx2 - 4 * absx + 2 }
        return 0
    }

    /// MATLAB's output length `ceil(in * scale)`.
    public static func outputLength(_ inLength: Int, scale: Double) throws -> Int {
        guard scale.isFinite, scale > 0 else { throw AclaError.invalidArgument("resize scale must be positive and finite, got \(scale)") }
        guard inLength >= 1 else { throw AclaError.invalidArgument("cannot resize a dimension of length \(inLength)") }
        let out = (Double(inLength) * scale).rounded(.up)
        guard out >= 1, out <= Double(Int32.max) else {
            throw AclaError.invalidArgument("resizing length \(inLength) by \(scale) gives \(out) samples")
        }
        return Int(out)
    }

    public init(inLength: Int, scale: Double, boundary: ResizeBoundary) throws {
        let outLength = try BicubicAxis.outputLength(inLength, scale: scale)
        // Downscaling widens the kernel (MATLAB's antialiasing, on by default for bicubic).
        let antialias = scale < 1
        let kernelWidth = antialias ? 4 / scale : 4
        let tapCount = kernelWidth.rounded(.up) + 2
        guard tapCount <= Double(1 << 24) else {
            throw AclaError.invalidArgument("resize scale \(scale) is too small: the kernel would span \(tapCount) pixels")
        }
        let taps = Int(tapCount)
        let total = try CheckedSize.product([outLength, taps], limit: 1 << 28, what: "resize weight table")
        var weights = [Double](repeating: 0, count: total)
        var indices1 = [Int](repeating: 0, count: total)   // 1-based, before the boundary rule
        for k in 0..<outLength {
            let x = Double(k + 1)
            let u = x / scale + 0.5 * (1 - 1 / scale)
            let left = Int((u - kernelWidth / 2).rounded(.down))
            var sum = 0.0
            for j in 0..<taps {
                let index = left + j
                let d = u - Double(index)
                let w = antialias ? scale * BicubicAxis.cubic(scale * d) : BicubicAxis.cubic(d)
                weights[k * taps + j] = w
                indices1[k * taps + j] = index
                sum += w
            }
            for j in 0..<taps { weights[k * taps + j] = weights[k * taps + j] / sum }
        }
        // MATLAB drops the tap columns whose weight is zero in every row.
        let kept = (0..<taps).filter { j in (0..<outLength).contains { weights[$0 * taps + j] != 0 } }
        var keptWeights = [Double]()
        var keptIndices = [Int32]()
        keptWeights.reserveCapacity(outLength * kept.count)
        keptIndices.reserveCapacity(outLength * kept.count)
        for k in 0..<outLength {
            for j in kept {
                keptWeights.append(weights[k * taps + j])
                keptIndices.append(Int32(BicubicAxis.boundaryIndex(indices1[k * taps + j], inLength, boundary)))
            }
        }
        self.inLength = inLength
        self.outLength = outLength
        self.taps = kept.count
        self.weights = keptWeights
        self.indices = keptIndices
    }

    /// A 1-based index (any integer) mapped into 0..<n by the boundary rule.
    @inlinable public static func boundaryIndex(_ index1: Int, _ n: Int, _ boundary: ResizeBoundary) -> Int {
        switch boundary {
        case .replicate:
            return Swift.min(Swift.max(index1, 1), n) - 1
        case .symmetric:
            // aux = [0..n-1, n-1..0]; floormod keeps negative indices in 0..2n-1 (Swift's %
            // is negative for negative operands).
            let period = 2 * n
            var m = (index1 - 1) % period
            if m < 0 { m += period }
            return m < n ? m : period - 1 - m
        }
    }
}
