import Glibc

/// How a convolution is computed; a ConvolutionPlan picks one per layer and input shape.
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// Naive direct convolution with double sums (conv2d_reference.c): the oracle.
    case reference
    /// im2col row bands and OpenBLAS (conv2d_im2col.c): any kernel size.
    case im2col
    /// Winograd F(4x4, 3x3) and F(6x6, 3x3) (conv2d_winograd.c): 3x3 kernels only, 2.25 and 1.78
    /// multiplications per output instead of 9, at a larger rounding error for the larger tile.
    case winograd4x4
    case winograd6x6

    /// The output tile size of a Winograd algorithm (nil for the others).
    var winogradTile: Int32? {
        switch self {
        case .winograd4x4: return 4
        case .winograd6x6: return 6
        default: return nil
        }
    }

    /// `ACLA_CONV=reference|im2col|winograd4x4|winograd6x6` forces one algorithm for every plan
    /// of the process (benchmarks, experiments; read once); unset or `auto`: chosen per layer.
    static let environmentOverride: ConvolutionAlgorithm? = {
        getenv("ACLA_CONV").flatMap { ConvolutionAlgorithm(rawValue: String(cString: $0)) }
    }()
}

extension ConvolutionPlan {
    private static let overrideLock = Mutex()
    nonisolated(unsafe) private static var forced: ConvolutionAlgorithm?? = nil

    /// One algorithm for every plan of the process (nil: each plan chooses), starting as
    /// `ACLA_CONV`; a layer's `algorithmOverride` still wins. For tests and benchmarks that need
    /// a property of one algorithm — im2col's results do not depend on where a pixel sits in the
    /// map, Winograd's rounding does (its position in its 4x4 tile) — and not to be changed
    /// while passes run.
    public static var processOverride: ConvolutionAlgorithm? {
        get { overrideLock.locked { forced ?? ConvolutionAlgorithm.environmentOverride } }
        set { overrideLock.locked { forced = .some(newValue) } }
    }

    /// Runs `body` with `processOverride` set to `algorithm`, then restores it.
    public static func withAlgorithm<R>(_ algorithm: ConvolutionAlgorithm?, _ body: () throws -> R) rethrows -> R {
        let previous = processOverride
        processOverride = algorithm
        defer { processOverride = previous }
        return try body()
    }
}

extension ConvolutionPlan {
    private static let weightGradientLock = Mutex()
    nonisolated(unsafe) private static var winogradDW: Bool = {
        guard let v = getenv("ACLA_WINOGRAD_DW") else { return true }
        return String(cString: v) != "0"
    }()

    /// Whether a Winograd layer's weight gradient runs in the Winograd domain too (else im2col);
    /// starts as `ACLA_WINOGRAD_DW` (0: off; default on). For A/B measurements and tests.
    public static var winogradWeightGradients: Bool {
        get { weightGradientLock.locked { winogradDW } }
        set { weightGradientLock.locked { winogradDW = newValue } }
    }
}
