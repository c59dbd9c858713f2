import Acla

// Restoring 8-bit images (include/acla.h, "Restoring 8-bit images").

/// The plan for a `channels`-channel height x width input, from C arguments.
private func restorePlan(_ network: Network, _ options: RestoreOptions, _ channels: Int32, _ height: Int32,
                         _ width: Int32) throws -> Restorer.Plan {
    guard height >= 1, width >= 1 else {
        throw AclaError.invalidArgument("image size \(width) x \(height) (width x height) is not positive")
    }
    return try Restorer(network: network).plan(channels: Int(channels), height: Int(height), width: Int(width), options: options)
}

@_cdecl("acla_model_restore_output_size")
public func acla_model_restore_output_size(_ model: OpaquePointer?, _ channels: Int32, _ height: Int32, _ width: Int32,
                                           _ outChannels: UnsafeMutablePointer<Int32>?, _ outHeight: UnsafeMutablePointer<Int32>?,
                                           _ outWidth: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) -> Int32 {
    boundary {
        let network = try modelBox(model).network
        let (pc, ph, pw) = (try requireNonNull(outChannels, "out_channels"), try requireNonNull(outHeight, "out_height"),
                            try requireNonNull(outWidth, "out_width"))
        let plan = try restorePlan(network, RestoreOptions(), channels, height, width)
        // RestoreLayout.outputSize keeps both sides within int32
        pc.pointee = Int32(plan.outputChannels)
        ph.pointee = Int32(plan.outputHeight)
        pw.pointee = Int32(plan.outputWidth)
        notes?.pointee = plan.notes.rawValue
    }
}

@_cdecl("acla_model_restore")
public func acla_model_restore(_ model: OpaquePointer?, _ options: OpaquePointer?, _ input: UnsafePointer<UInt8>?,
                               _ inputLength: UInt, _ channels: Int32, _ height: Int32, _ width: Int32,
                               _ output: UnsafeMutablePointer<UInt8>?, _ outputLength: UInt) -> Int32 {
    boundary {
        let modelBox = try modelBox(model)
        let network = modelBox.network
        let box = try options.map { try restoreOptionsBox($0) }
        let input = try requireNonNull(input, "input")
        let output = try requireNonNull(output, "output")
        let plan = try restorePlan(network, box?.options ?? RestoreOptions(), channels, height, width)
        guard inputLength == UInt(plan.inputCount) else {
            throw AclaError.shape("input_len is \(inputLength) samples, a \(width) x \(height) image with \(channels) channels needs \(plan.inputCount)")
        }
        guard outputLength == UInt(plan.outputCount) else {
            throw AclaError.shape("output_len is \(outputLength) samples, the restored \(plan.outputWidth) x \(plan.outputHeight) image with \(plan.outputChannels) channels needs \(plan.outputCount) (acla_model_restore_output_size)")
        }
        // tiles read input pixels that earlier tiles' outputs would already have replaced
        let inStart = UInt(bitPattern: input), outStart = UInt(bitPattern: output)
        let (inEnd, o1) = inStart.addingReportingOverflow(inputLength)
        let (outEnd, o2) = outStart.addingReportingOverflow(outputLength)
        guard !o1, !o2 else { throw AclaError.invalidArgument("input or output buffer extends past the end of the address space") }
        guard inEnd <= outStart || outEnd <= inStart else {
            throw AclaError.invalidArgument("input and output buffers overlap: restore into a separate buffer")
        }
        var handler: RestoreProgressHandler?
        if let box, let fn = box.progress {
            let user = box.user
            handler = { p in fn(user, Int64(p.done), Int64(p.total)) != 0 ? .cancel : .proceed }
        }
        // one pass with the handle's probe and memory limit for every tile (and a warm workspace)
        let pass = modelBox.makePass()
        defer { modelBox.finish(pass) }
        try Restorer(network: network).restore(plan, input: UnsafeBufferPointer(start: input, count: plan.inputCount),
                                               output: UnsafeMutableBufferPointer(start: output, count: plan.outputCount),
                                               pass: pass, progress: handler)
    }
}
