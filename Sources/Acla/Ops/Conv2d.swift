import AclaKernels

/// 2-D convolution, stride 1, zero padding k/2 (odd square kernels), with optional bias and a
/// fused epilogue (ReLU or a scaled residual add, bit-identical to the separate ops).
/// weight [out, in, k, k]; the kernels live in AclaKernels/conv2d_*.c.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable?,
                   epilogue: ConvolutionEpilogue = .none) throws -> Variable {
    try conv2d(x, weight: weight, bias: bias, epilogue: epilogue, algorithm: .im2col, bandFloats: 0)
}

/// One direct algorithm (reference or im2col), without a plan. `bandFloats` bounds the im2col
/// kernel's column band (0: the kernel's default); tests make it small so that the row banding
/// runs on tiny maps.
func conv2d(_ x: Variable, weight: Variable, bias: Variable?, epilogue: ConvolutionEpilogue = .none,
            algorithm: ConvolutionAlgorithm = .im2col, bandFloats: Int) throws -> Variable {
    guard algorithm == .reference || algorithm == .im2col else {
        throw AclaError.invalidArgument("conv2d without a plan runs reference or im2col, not \(algorithm)")
    }
    let g = try ConvolutionGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape)
    let y = try convolutionForward(x.value, weight: weight.value, bias: bias?.value, geometry: g,
                                   epilogue: epilogue, algorithm: algorithm, bandFloats: bandFloats)
    return convolutionResult(y, x: x, weight: weight, bias: bias, geometry: g, epilogue: epilogue,
                             backwardAlgorithm: algorithm == .reference ? .reference : .im2col,
                             bandFloats: bandFloats)
}

/// The forward kernel for the direct algorithms (reference, im2col) into a new tensor, the
/// im2col column bands from the current workspace.
func convolutionForward(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                        epilogue: ConvolutionEpilogue, algorithm: ConvolutionAlgorithm,
                        bandFloats: Int, into destination: UnsafeMutableBufferPointer<Float>? = nil) throws -> Tensor {
    try epilogue.check(outputShape: g.outputShape)
    // every algorithm writes every output element (bias first), so no zero fill
    var y = try ConvolutionOutput(shape: g.outputShape, into: destination)
    let threads = Threads.count
    let scratch = algorithm == .im2col
        ? ak_conv2d_im2col_forward_scratch_floats(g.n, g.cin, g.h, g.w, g.k, bandFloats, threads) : 0
    let status: Int32 = try Workspace.withScratch(floats: Int(scratch)) { sp in
        y.withBase { yp in
            x.data.withUnsafeBufferPointer { xp in
                weight.data.withUnsafeBufferPointer { wp in
                    withOptionalBuffer(bias?.data) { bp in
                        epilogue.withKernelEpilogue { ep in
                            if algorithm == .reference {
                                ak_conv2d_reference_forward(xp.baseAddress, g.n, g.cin, g.h, g.w, wp.baseAddress, bp,
                                                            g.cout, g.k, ep, yp, threads)
                                return 0
                            }
                            return ak_conv2d_im2col_forward(xp.baseAddress, g.n, g.cin, g.h, g.w, wp.baseAddress, bp,
                                                            g.cout, g.k, ep, yp, sp, bandFloats, threads)
                        }
                    }
                }
            }
        }
    }
    guard status == 0 else { throw AclaError.outOfMemory("conv2d could not allocate its column buffer") }
    return y.tensor
}

/// The op's result on the tape: the epilogue's backward, then the convolution's (dx, dweight,
/// dbias) with `backwardAlgorithm` (reference or im2col); `dataGradient`, when given, computes
/// dx from dy instead (a plan's Winograd path), and `weightGradient` dweight.
func convolutionResult(_ y: Tensor, x: Variable, weight: Variable, bias: Variable?, geometry g: ConvolutionGeometry,
                       epilogue: ConvolutionEpilogue, backwardAlgorithm: ConvolutionAlgorithm,
                       bandFloats: Int, dataGradient: ((Tensor) throws -> Tensor)? = nil,
                       weightGradient: ((Tensor) throws -> Tensor)? = nil) -> Variable {
    var parents = [x, weight]
    if let bias { parents.append(bias) }
    if let r = epilogue.residual { parents.append(r) }
    let threads = Threads.count
    return Variable.result(y, parents: parents) { dyFused in
        let (dy, dres) = try epilogue.backward(dyFused, output: y)
        let dxSeparately = x.requiresGrad ? try dataGradient.map { try $0(dy) } : nil
        var dx = x.requiresGrad && dxSeparately == nil ? try Tensor(checkedZeros: x.shape) : nil
        let dwSeparately = weight.requiresGrad ? try weightGradient.map { try $0(dy) } : nil
        var dw = weight.requiresGrad && dwSeparately == nil ? try Tensor(checkedZeros: weight.shape) : nil
        var db = (bias?.requiresGrad ?? false) ? try Tensor(checkedZeros: [Int(g.cout)]) : nil
        let scratch = backwardAlgorithm == .im2col && (dx != nil || dw != nil)
            ? ak_conv2d_im2col_backward_scratch_floats(g.cin, g.h, g.w, g.k, bandFloats) : 0
        let rc: Int32 = try Workspace.withScratch(floats: Int(scratch)) { sp in withOptionalMutableBuffer(&dx) { dxp in
            withOptionalMutableBuffer(&dw) { dwp in
                withOptionalMutableBuffer(&db) { dbp in
                    x.value.data.withUnsafeBufferPointer { xp in
                        weight.value.data.withUnsafeBufferPointer { wp in
                            dy.data.withUnsafeBufferPointer { dyp -> Int32 in
                                switch backwardAlgorithm {
                                case .reference:
                                    ak_conv2d_reference_backward(xp.baseAddress, g.n, g.cin, g.h, g.w, wp.baseAddress,
                                                                 g.cout, g.k, dyp.baseAddress, dxp, dwp, dbp, threads)
                                    return 0
                                default:
                                    return ak_conv2d_im2col_backward(xp.baseAddress, g.n, g.cin, g.h, g.w, wp.baseAddress,
                                                                     g.cout, g.k, dyp.baseAddress, dxp, dwp, dbp, sp,
                                                                     bandFloats, threads)
                                }
                            }
                        }
                    }
                }
            }
        } }
        guard rc == 0 else { throw AclaError.outOfMemory("conv2d backward could not allocate its column buffers") }
        var grads: [Tensor?] = [dxSeparately ?? dx, dwSeparately ?? dw]
        if bias != nil { grads.append(db) }
        if epilogue.residual != nil { grads.append(dres) }
        return grads
    }
}
