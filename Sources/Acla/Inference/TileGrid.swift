/// Windows of one image axis: window i covers `windows[i]` (input pixels) and contributes the
/// output of `cores[i]`, the cores partitioning the axis. There are as few windows as keep
/// neighbours sharing at least `overlap` pixels, spread evenly from edge to edge (so they usually
/// share more). The cut between two cores lies in the middle of their shared pixels: every pixel
/// of a core has at least overlap / 2 (rounded down) pixels of its window on either side, or the
/// image edge.
///
/// Windows are aligned to the Winograd tile (`alignment`): every window starts at a multiple of
/// it and ends where the image does modulo it (its length is `tile` rounded up to the image's
/// length modulo the alignment, so at most alignment - 1 more). A pixel then sits at the same
/// place of its F(4x4, 3x3) tile in a window as in the whole image, flipped or not (the
/// self-ensemble), and Winograd rounds it the same way: away from the window's edges, tiled
/// output equals untiled output bit for bit. When the overlap leaves less than one alignment
/// step between windows, they are placed unaligned (as close as `overlap` asks).
public struct TileAxis: Sendable, Equatable {
    /// F(4x4, 3x3)'s output tile, the algorithm the convolution plans choose (ConvolutionPlan).
    public static let alignment = 4

    public let windows: [Range<Int>]
    public let cores: [Range<Int>]

    /// `tile` 0 (or at least `length`) gives one window.
    public init(length: Int, tile: Int, overlap: Int, alignment: Int = TileAxis.alignment) throws {
        guard length >= 1 else { throw AclaError.invalidArgument("image side \(length) is not positive") }
        guard tile >= 0, overlap >= 0, tile == 0 || overlap < tile else {
            throw AclaError.invalidArgument("tile \(tile) with overlap \(overlap): need 0 <= overlap < tile, or tile 0")
        }
        guard alignment >= 1 else { throw AclaError.invalidArgument("tile alignment \(alignment) is not positive") }
        let a = alignment
        // the aligned window length: the smallest >= tile congruent to length modulo a
        let aligned = tile + ((length - tile) % a + a) % a
        guard tile > 0, tile < length, aligned < length else {
            windows = [0..<length]
            cores = [0..<length]
            return
        }
        let starts: [Int]
        let size: Int
        if (aligned - overlap) / a >= 1 {
            // starts 0, ..., length - aligned in steps of a, at most (aligned - overlap) / a steps apart
            let (units, stepUnits) = ((length - aligned) / a, (aligned - overlap) / a)
            let count = 1 + (units + stepUnits - 1) / stepUnits
            starts = (0..<count).map { a * ($0 * units / (count - 1)) }
            size = aligned
        } else {
            let step = tile - overlap
            let count = 1 + (length - tile + step - 1) / step
            starts = (0..<count).map { $0 * (length - tile) / (count - 1) }
            size = tile
        }
        windows = starts.map { $0..<($0 + size) }
        var cuts = [0]
        for i in 1..<starts.count { cuts.append((starts[i] + starts[i - 1] + size) / 2) }
        cuts.append(length)
        cores = (0..<starts.count).map { cuts[$0]..<cuts[$0 + 1] }
    }

    public var count: Int { windows.count }
}

/// The tiles of an image: rows x columns of `TileAxis` windows.
public struct TileGrid: Sendable, Equatable {
    public let rows: TileAxis
    public let columns: TileAxis

    public init(height: Int, width: Int, options: RestoreOptions) throws {
        try options.validate()
        rows = try TileAxis(length: height, tile: options.tile, overlap: options.overlap)
        columns = try TileAxis(length: width, tile: options.tile, overlap: options.overlap)
    }

    public var count: Int { rows.count * columns.count }
}
