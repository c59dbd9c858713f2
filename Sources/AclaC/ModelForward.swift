import Acla

@_cdecl("acla_model_forward")
public func acla_model_forward(_ model: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: Int32, _ c: Int32,
                               _ h: Int32, _ w: Int32, _ output: UnsafeMutablePointer<Float>?, _ outputLength: UInt) -> Int32 {
    boundary {
        let box = try modelBox(model)
        let network = box.network
        let input = try requireNonNull(input, "input")
        let output = try requireNonNull(output, "output")
        let shape = [Int(n), Int(c), Int(h), Int(w)]
        // sizes, channels and the feature-map limit, before any memory is read
        try network.validateInput(shape: shape)
        let size = try network.outputSize(height: Int(h), width: Int(w))
        let expected = try CheckedSize.product([Int(n), size.channels, size.height, size.width], what: "model output")
        guard outputLength == UInt(expected) else {
            throw AclaError.shape("output_len is \(outputLength) floats, the output [\(n), \(size.channels), \(size.height), \(size.width)] needs \(expected)")
        }
        let count = try CheckedSize.product(shape, what: "model input")
        if !box.allowNonFinite {
            try FiniteInput.require(UnsafeBufferPointer(start: input, count: count), shape: shape,
                                    allowHint: "acla_model_set_allow_nonfinite(model, 1) lets it through")
        }
        // the caller's input is read in place (a borrowed view, never written)
        let x = try Tensor.borrowing(input, shape: shape)
        let pass = box.makePass()
        defer { box.finish(pass) }
        // the last layer writes into the caller's buffer, unless the buffers overlap (in place:
        // the image residual still reads the input), then the result is copied at the end
        let overlaps = UnsafeRawPointer(output) < UnsafeRawPointer(input + count)
            && UnsafeRawPointer(input) < UnsafeRawPointer(output + expected)
        let destination = overlaps ? nil : UnsafeMutableBufferPointer(start: output, count: expected)
        let y = try network.forward(x, pass: pass, into: destination)
        guard y.count == expected else { throw AclaError.internal("forward produced \(y.shape), expected \(expected) values") }
        y.data.withUnsafeBufferPointer { src in
            if let base = src.baseAddress, base != output { output.update(from: base, count: expected) }
        }
    }
}

@_cdecl("acla_model_set_allow_nonfinite")
public func acla_model_set_allow_nonfinite(_ model: OpaquePointer?, _ allow: Int32) -> Int32 {
    boundary {
        let box = try modelBox(model)
        guard allow == 0 || allow == 1 else { throw AclaError.invalidArgument("allow must be 0 or 1, got \(allow)") }
        box.allowNonFinite = allow == 1
    }
}
