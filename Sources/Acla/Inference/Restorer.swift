/// Image-level restoration of 8-bit images (docs/RESTORE.md): any task of the model's config,
/// any channel layout (`RestoreLayout`), tiles with overlap (`TileGrid`), the optional
/// self-ensemble, progress and cancellation. Tiles run one after another, each forward pass
/// using every thread (`Threads.count`). The network is only read, so several restores (each
/// with its own pass) may run on one network at once.
public final class Restorer {
    public let network: Network

    public init(network: Network) { self.network = network }

    /// What restoring a `channels`-channel height x width image gives, decided before any work.
    public struct Plan: Sendable, Equatable {
        public let layout: RestoreLayout
        public let height: Int
        public let width: Int
        public let outputHeight: Int
        public let outputWidth: Int
        public let grid: TileGrid
        public let options: RestoreOptions

        public var outputChannels: Int { layout.outputChannels }
        public var notes: RestoreNotes { layout.notes }
        public var inputCount: Int { height * width * layout.inputChannels }
        public var outputCount: Int { outputHeight * outputWidth * layout.outputChannels }
        /// Forward passes: tiles x colour planes x ensemble transforms.
        public var passes: Int { grid.count * layout.planes * options.transforms }
    }

    public func plan(channels: Int, height: Int, width: Int, options: RestoreOptions = RestoreOptions()) throws -> Plan {
        try options.validate()
        let layout = try RestoreLayout(config: network.config, channels: channels)
        let size = try layout.outputSize(height: height, width: width)
        _ = try CheckedSize.product([size.height, size.width, layout.outputChannels], limit: Int.max, what: "restored image")
        let grid = try TileGrid(height: height, width: width, options: options)
        return Plan(layout: layout, height: height, width: width, outputHeight: size.height, outputWidth: size.width,
                    grid: grid, options: options)
    }

    /// The largest window's forward pass (and, with the ensemble, its transformed copies and the
    /// running sum), the window's model input and outputs, and an alpha plane, against the
    /// memory limit: a restore too large is refused before any work, its output untouched.
    private func checkWorkingSet(layout: RestoreLayout, grid: TileGrid, options: RestoreOptions) throws {
        let (wh, ww) = (grid.rows.windows.map(\.count).max() ?? 0, grid.columns.windows.map(\.count).max() ?? 0)
        let s = layout.scale
        let forward = WorkingSet.forwardBytes(network, batch: 1, height: wh, width: ww, training: false)
        let channels = network.config.channels
        let outputFloats = Double(layout.planes) * Double(channels) * Double(wh * s) * Double(ww * s)
        let extra = (Double(channels) * Double(wh * ww) * (options.ensemble ? 2 : 1)
            + outputFloats * (options.ensemble ? 3 : 1)) * 4
        let alpha = layout.hasAlpha ? 2 * Double(grid.rows.cores.last?.upperBound ?? 0) * Double(grid.columns.cores.last?.upperBound ?? 0) * Double(s * s) : 0
        let total = Double(forward) + extra + alpha
        try MemoryLimit.check(total >= Double(Int.max) ? Int.max : Int(total),
                              "restoring with \(ww) x \(wh) windows (\(options.tile == 0 ? "tile 0: the whole image" : "tile \(options.tile)"))")
    }

    /// Restores `input` (HWC, plan.inputCount samples) into `output` (plan.outputCount samples).
    /// `progress` is called before any work and after every forward pass; `shouldCancel`, when
    /// given, also between the body layers of each pass (either one cancels). Every pass runs on
    /// `pass` (its probe, memory limit and workspace; its cancel check is replaced for the call).
    /// On a cancel or a failure during the work, `output` holds the finished tiles' pixels and
    /// its old contents elsewhere; the alpha channel is written last.
    public func restore(_ plan: Plan, input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<UInt8>,
                        pass: ForwardPass = ForwardPass(), progress: RestoreProgressHandler? = nil,
                        shouldCancel: (() -> Bool)? = nil) throws {
        guard input.count == plan.inputCount else {
            throw AclaError.shape("the input holds \(input.count) samples, a \(plan.width) x \(plan.height) image with \(plan.layout.inputChannels) channels needs \(plan.inputCount)")
        }
        guard output.count == plan.outputCount else {
            throw AclaError.shape("the output holds \(output.count) samples, the restored \(plan.outputWidth) x \(plan.outputHeight) image with \(plan.outputChannels) channels needs \(plan.outputCount)")
        }
        try checkWorkingSet(layout: plan.layout, grid: plan.grid, options: plan.options)
        let total = plan.passes
        let tiles = plan.grid.count
        var done = 0
        var tilesDone = 0
        func report() throws {
            guard let progress else { return }
            if progress(RestoreProgress(done: done, total: total, tilesDone: tilesDone, tiles: tiles)) == .cancel {
                throw AclaError.cancelled("restore cancelled by the progress callback after \(tilesDone) of \(tiles) tiles")
            }
        }
        try report()
        // every `done` is reported once: a tile's last pass after the tile is written
        let passesPerTile = plan.layout.planes * plan.options.transforms
        let previousCheck = pass.shouldCancel
        pass.shouldCancel = shouldCancel
        defer { pass.shouldCancel = previousCheck }
        let forward = TileForward(network: network, ensemble: plan.options.ensemble, pass: pass) {
            done += 1
            if done % passesPerTile != 0 { try report() }
        }
        let pixels = TilePixels(layout: plan.layout, width: plan.width, outputWidth: plan.outputWidth)
        let s = plan.layout.scale
        for (rows, coreRows) in zip(plan.grid.rows.windows, plan.grid.rows.cores) {
            for (columns, coreColumns) in zip(plan.grid.columns.windows, plan.grid.columns.cores) {
                var outputs: [Tensor] = []
                for p in 0..<plan.layout.planes {
                    let x = try pixels.modelInput(input, rows: rows, columns: columns, plane: p)
                    outputs.append(try forward(x))
                }
                try pixels.write(outputs, window: (rows.lowerBound * s, columns.lowerBound * s), rows: coreRows,
                                 columns: coreColumns, input: input, into: output)
                tilesDone += 1
                try report()
            }
        }
        if plan.layout.hasAlpha { try AlphaChannel.write(plan, input: input, output: output) }
    }

    /// The network input ([1, C, H, W]) restore builds from a whole image (colour plane `plane`
    /// of a per-channel layout): what `acla visualize` runs its probed forward pass on.
    public func modelInput(_ image: Image8, plane: Int = 0) throws -> Tensor {
        let plan = try self.plan(channels: image.channels, height: image.height, width: image.width, options: RestoreOptions(tile: 0))
        guard plane >= 0, plane < plan.layout.planes else {
            throw AclaError.invalidArgument("colour plane \(plane) is outside 0..<\(plan.layout.planes)")
        }
        let pixels = TilePixels(layout: plan.layout, width: image.width, outputWidth: plan.outputWidth)
        return try image.pixels.withUnsafeBufferPointer {
            try pixels.modelInput($0, rows: 0..<image.height, columns: 0..<image.width, plane: plane)
        }
    }

    /// The same on arrays: `pixels` HWC with `channels` 1...4; returns the output and its plan.
    public func restore(pixels: [UInt8], channels: Int, height: Int, width: Int, options: RestoreOptions = RestoreOptions(),
                        progress: RestoreProgressHandler? = nil, shouldCancel: (() -> Bool)? = nil) throws -> (pixels: [UInt8], plan: Plan) {
        let plan = try self.plan(channels: channels, height: height, width: width, options: options)
        var out = [UInt8](repeating: 0, count: plan.outputCount)
        try pixels.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try restore(plan, input: src, output: dst, progress: progress, shouldCancel: shouldCancel)
            }
        }
        return (out, plan)
    }

    /// An `Image8` (gray or RGB) restored; the output's channels follow `RestoreLayout`.
    public func restore(_ image: Image8, options: RestoreOptions = RestoreOptions(), progress: RestoreProgressHandler? = nil,
                        shouldCancel: (() -> Bool)? = nil) throws -> (image: Image8, notes: RestoreNotes) {
        let (out, plan) = try restore(pixels: image.pixels, channels: image.channels, height: image.height,
                                      width: image.width, options: options, progress: progress, shouldCancel: shouldCancel)
        return (try Image8(width: plan.outputWidth, height: plan.outputHeight, channels: plan.outputChannels, pixels: out),
                plan.notes)
    }
}
