/// Windows of one image axis: window i covers `windows[i]` (input pixels) and contributes the
/// output of `cores[i]`, the cores partitioning the axis. Windows have length `tile`; there are
/// as few as keep neighbours sharing at least `overlap` pixels, spread evenly from edge to edge
/// (so they usually share more). The cut between two cores lies in the middle of their shared
/// pixels: every pixel of a core has at least overlap / 2 (rounded down) pixels of its window
/// on either side, or the image edge.
public struct TileAxis: Sendable, Equatable {
    public let windows: [Range<Int>]
    public let cores: [Range<Int>]

    /// `tile` 0 (or at least `length`) gives one window.
    public init(length: Int, tile: Int, overlap: Int) throws {
        guard length >= 1 else { throw AclaError.invalidArgument("image side \(length) is not positive") }
        guard tile >= 0, overlap >= 0, tile == 0 || overlap < tile else {
            throw AclaError.invalidArgument("tile \(tile) with overlap \(overlap): need 0 <= overlap < tile, or tile 0")
        }
        guard tile > 0, tile < length else {
            windows = [0..<length]
            cores = [0..<length]
            return
        }
        let step = tile - overlap
        // the fewest windows whose starts are at most `step` apart, spread evenly over 0...length - tile
        let count = 1 + (length - tile + step - 1) / step
        let span = length - tile
        let starts = (0..<count).map { $0 * span / (count - 1) }
        windows = starts.map { $0..<($0 + tile) }
        var cuts = [0]
        for i in 1..<count { cuts.append((starts[i] + starts[i - 1] + tile) / 2) }
        cuts.append(length)
        cores = (0..<count).map { cuts[$0]..<cuts[$0 + 1] }
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
