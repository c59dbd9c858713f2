/// How `Restorer` runs a model over an image: tile size and overlap (input pixels), the
/// self-ensemble, and nothing else (progress is an argument of `restore`).
public struct RestoreOptions: Sendable, Equatable {
    /// Side of the window the network runs on, in input pixels; peak memory grows with it.
    /// docs/RESTORE.md has the measured seam differences and peak RSS behind these defaults.
    public static let defaultTile = 256
    /// Pixels neighbouring windows share; each output pixel comes from the window in which it
    /// lies farthest from an edge, so it sees at least overlap / 2 pixels of context.
    public static let defaultOverlap = 64

    /// 0 runs the whole image as one window.
    public var tile: Int
    public var overlap: Int
    /// Average the 8 dihedral transforms (flips and transposition) of every tile.
    public var ensemble: Bool

    public init(tile: Int = RestoreOptions.defaultTile, overlap: Int = RestoreOptions.defaultOverlap,
                ensemble: Bool = false) {
        self.tile = tile
        self.overlap = overlap
        self.ensemble = ensemble
    }

    public func validate() throws {
        guard tile >= 0 else { throw AclaError.invalidArgument("tile must be >= 0 (0 = whole image), got \(tile)") }
        guard overlap >= 0 else { throw AclaError.invalidArgument("overlap must be >= 0, got \(overlap)") }
        guard tile == 0 || overlap < tile else {
            throw AclaError.invalidArgument("overlap (\(overlap)) must be smaller than the tile (\(tile))")
        }
    }

    /// Forward passes per tile and colour plane: 8 with the ensemble.
    public var transforms: Int { ensemble ? 8 : 1 }
}

/// Where a restore is: forward passes done of the total (one tile, one transform of the
/// ensemble, one colour plane each), and whole tiles done of all tiles.
public struct RestoreProgress: Sendable, Equatable {
    public let done: Int
    public let total: Int
    public let tilesDone: Int
    public let tiles: Int
}

public enum RestoreProgressAction: Sendable { case proceed, cancel }

/// Called with done = 0 before any work and after every forward pass, on the calling thread.
public typealias RestoreProgressHandler = (RestoreProgress) -> RestoreProgressAction
