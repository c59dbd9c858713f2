import AclaKernels

/// Winograd-transformed weights of one weight version (`ak_winograd_transform_weights`).
final class WinogradWeights {
    let version: UInt64
    let tile: Int32
    let storage: TensorStorage

    init(_ weight: Tensor, version: UInt64, tile: Int32, geometry g: ConvolutionGeometry) throws {
        let count = ak_winograd_weight_floats(g.cout, g.cin, tile)
        guard count > 0 else { throw AclaError.internal("no Winograd F(\(tile)x\(tile), 3x3) for weight \(weight.shape)") }
        // the plan keeps this across passes: never from a pass's workspace
        let storage = try TensorStorage.allocate(Int(count), zeroed: false, pool: nil)
        let rc = weight.data.withUnsafeBufferPointer { wp in
            ak_winograd_transform_weights(wp.baseAddress, g.cout, g.cin, tile, storage.base, Threads.count)
        }
        guard rc == 0 else { throw AclaError.internal("Winograd weight transform refused tile \(tile)") }
        self.storage = storage
        self.version = version
        self.tile = tile
    }
}

/// The Winograd forward into a new tensor, with bias and epilogue.
func winogradForward(_ x: Tensor, weights u: WinogradWeights, bias: Tensor?, geometry g: ConvolutionGeometry,
                     epilogue: ConvolutionEpilogue, blockTiles: Int = 0,
                     into destination: UnsafeMutableBufferPointer<Float>? = nil) throws -> Tensor {
    let threads = Threads.count
    var y = try ConvolutionOutput(shape: g.outputShape, into: destination)
    let scratch = ak_winograd_scratch_floats(g.n, g.cin, g.cout, g.h, g.w, u.tile, blockTiles, threads)
    let status: Int32 = try Workspace.withScratch(floats: Int(scratch)) { sp in
        y.withBase { yp in
            x.data.withUnsafeBufferPointer { xp in
                withOptionalBuffer(bias?.data) { bp in
                    epilogue.withKernelEpilogue { ep in
                        ak_winograd_forward(xp.baseAddress, g.n, g.cin, g.h, g.w, u.storage.base, bp, g.cout, u.tile,
                                            ep, yp, sp, blockTiles, threads)
                    }
                }
            }
        }
    }
    guard status == 0 else { throw AclaError.internal("Winograd forward refused tile \(u.tile)") }
    return y.tensor
}

/// dweight of a 3x3 convolution by Winograd F(tile): the t*t tile GEMMs of dU = (A dy A^T) . V
/// over the tiles, then G^T dU G (conv2d_winograd_grad.c), scratch from the current workspace.
func winogradWeightGradient(_ x: Tensor, dy: Tensor, geometry g: ConvolutionGeometry, tile: Int32) throws -> Tensor {
    let threads = Threads.count
    var dw = try Tensor(checkedZeros: [Int(g.cout), Int(g.cin), 3, 3])
    let scratch = ak_winograd_weight_gradient_scratch_floats(g.n, g.cin, g.cout, g.h, g.w, tile, threads)
    let status: Int32 = try Workspace.withScratch(floats: Int(scratch)) { sp in
        dw.data.withUnsafeMutableBufferPointer { dwp in
            x.data.withUnsafeBufferPointer { xp in
                dy.data.withUnsafeBufferPointer { dyp in
                    ak_winograd_weight_gradient(xp.baseAddress, g.n, g.cin, g.h, g.w, dyp.baseAddress, g.cout, tile,
                                                dwp.baseAddress, sp, threads)
                }
            }
        }
    }
    guard status == 0 else { throw AclaError.outOfMemory("the Winograd weight gradient could not allocate its scratch") }
    return dw
}
