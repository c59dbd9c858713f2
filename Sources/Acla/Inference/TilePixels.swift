/// The two conversions of a tile: 8-bit HWC pixels of a window into the model's [1, C, h, w]
/// input, and the model's float output into the 8-bit output buffer, per `RestoreLayout.Mode`.
/// Callers pass validated buffers and in-range windows (Restorer checks both up front).
struct TilePixels {
    let layout: RestoreLayout
    let width: Int              // of the input image
    let outputWidth: Int
    static let luma = ColorConversion.grayWeights

    @inline(__always) static func lumaOf(_ r: Double, _ g: Double, _ b: Double) -> Double {
        luma.r * r + luma.g * g + luma.b * b
    }

    /// Model channels of the input of `plane` (0 unless per-channel).
    var modelChannels: Int {
        switch layout.mode {
        case .direct: return layout.inputColor
        case .grayAsRGB, .bayerRaw, .mosaic: return 3
        case .lumaOnly, .perChannel: return 1
        }
    }

    func modelInput(_ src: UnsafeBufferPointer<UInt8>, rows: Range<Int>, columns: Range<Int>, plane: Int) throws -> Tensor {
        let (h, w, c) = (rows.count, columns.count, modelChannels)
        let stride = layout.inputChannels
        var values = [Float](repeating: 0, count: c * h * w)
        let planeSize = h * w
        let mode = layout.mode
        values.withUnsafeMutableBufferPointer { dst in
            for (ly, y) in rows.enumerated() {
                for (lx, x) in columns.enumerated() {
                    let s = (y * width + x) * stride
                    let d = ly * w + lx
                    switch mode {
                    case .direct:
                        for ch in 0..<c { dst[ch * planeSize + d] = Float(src[s + ch]) }
                    case .grayAsRGB:
                        let v = Float(src[s])
                        dst[d] = v; dst[planeSize + d] = v; dst[2 * planeSize + d] = v
                    case .lumaOnly:
                        dst[d] = Float(TilePixels.lumaOf(Double(src[s]), Double(src[s + 1]), Double(src[s + 2])))
                    case .perChannel:
                        dst[d] = Float(src[s + plane])
                    case .bayerRaw:
                        dst[BayerMosaic.channel(y: y, x: x) * planeSize + d] = Float(src[s])
                    case .mosaic:
                        let ch = BayerMosaic.channel(y: y, x: x)
                        dst[ch * planeSize + d] = Float(src[s + ch])
                    }
                }
            }
        }
        return try Tensor(shape: [1, c, h, w], data: values)
    }

    /// Writes the core (input pixels `rows` x `columns`) of a window whose output starts at
    /// output pixel (oy, ox); `outputs[plane]` is the model output [1, C, H, W] of each plane.
    func write(_ outputs: [Tensor], window origin: (oy: Int, ox: Int), rows: Range<Int>, columns: Range<Int>,
               input src: UnsafeBufferPointer<UInt8>, into dst: UnsafeMutableBufferPointer<UInt8>) throws {
        let s = layout.scale
        let outStride = layout.outputChannels
        let inStride = layout.inputChannels
        let mode = layout.mode
        let colour = layout.outputColor
        for t in outputs {
            guard t.rank == 4, t.shape[0] == 1, origin.oy >= 0, origin.ox >= 0,
                  rows.upperBound * s - origin.oy <= t.shape[2], columns.upperBound * s - origin.ox <= t.shape[3],
                  rows.lowerBound * s >= origin.oy, columns.lowerBound * s >= origin.ox else {
                throw AclaError.internal("tile output \(t.shape) does not cover rows \(rows) x columns \(columns) at scale \(s)")
            }
        }
        var nanAt: (Int, Int)?
        let planes = outputs.map(\.data)
        let (th, tw) = (outputs[0].shape[2], outputs[0].shape[3])
        let plane = th * tw
        for Y in (rows.lowerBound * s)..<(rows.upperBound * s) {
            for X in (columns.lowerBound * s)..<(columns.upperBound * s) {
                let t = (Y - origin.oy) * tw + (X - origin.ox)
                let o = (Y * outputWidth + X) * outStride
                var v: (Double, Double, Double) = (0, 0, 0)
                switch mode {
                case .direct, .bayerRaw, .mosaic:
                    v.0 = Double(planes[0][t])
                    if colour == 3 { v.1 = Double(planes[0][plane + t]); v.2 = Double(planes[0][2 * plane + t]) }
                case .grayAsRGB:
                    v.0 = TilePixels.lumaOf(Double(planes[0][t]), Double(planes[0][plane + t]), Double(planes[0][2 * plane + t]))
                case .perChannel:
                    v = (Double(planes[0][t]), Double(planes[1][t]), Double(planes[2][t]))
                case .lumaOnly:
                    // scale 1: output pixel (Y, X) is input pixel (Y, X)
                    let i = (Y * width + X) * inStride
                    let (r, g, b) = (Double(src[i]), Double(src[i + 1]), Double(src[i + 2]))
                    let delta = Double(planes[0][t]) - TilePixels.lumaOf(r, g, b)
                    v = (r + delta, g + delta, b + delta)
                }
                if v.0.isNaN || v.1.isNaN || v.2.isNaN {
                    if nanAt == nil { nanAt = (Y, X) }
                    continue
                }
                dst[o] = Quantize.sample(v.0)
                if colour == 3 {
                    dst[o + 1] = Quantize.sample(v.1)
                    dst[o + 2] = Quantize.sample(v.2)
                }
            }
        }
        if let (y, x) = nanAt {
            throw AclaError.invalidArgument("the model produced NaN at output pixel (y \(y), x \(x)): its parameters are not usable")
        }
    }
}
