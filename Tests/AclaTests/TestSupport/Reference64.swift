import Foundation

/// Naive float64 renderings of the core ops, written from their definitions with plain loops
/// (no code shared with the library). Tests of composite modules can build their own references
/// from these.
enum Reference64 {
    /// Stride 1, zero padding k/2: y[n,o,y,x] = b[o] + sum_{i,dy,dx} w[o,i,dy,dx] x[n,i,y+dy-p,x+dx-p].
    static func conv2d(_ x: Tensor64, _ w: Tensor64, _ b: Tensor64?) -> Tensor64 {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, k) = (w.shape[0], w.shape[2])
        let p = k / 2
        var y = Tensor64(zeros: [n, cout, h, wd])
        for b0 in 0..<n { for o in 0..<cout { for yy in 0..<h { for xx in 0..<wd {
            var s = b?.data[o] ?? 0
            for i in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                let sy = yy + ky - p, sx = xx + kx - p
                if sy >= 0 && sy < h && sx >= 0 && sx < wd { s += w[o, i, ky, kx] * x[b0, i, sy, sx] }
            } } }
            y[b0, o, yy, xx] = s
        } } } }
        return y
    }

    static func map(_ x: Tensor64, _ f: (Double) -> Double) -> Tensor64 {
        Tensor64(shape: x.shape, data: x.data.map(f))
    }

    static func zip(_ a: Tensor64, _ b: Tensor64, _ f: (Double, Double) -> Double) -> Tensor64 {
        Tensor64(shape: a.shape, data: Swift.zip(a.data, b.data).map(f))
    }

    static func relu(_ x: Tensor64) -> Tensor64 { map(x) { max($0, 0) } }
    static func sigmoid(_ x: Tensor64) -> Tensor64 { map(x) { 1 / (1 + Foundation.exp(-$0)) } }
    static func add(_ a: Tensor64, _ b: Tensor64) -> Tensor64 { zip(a, b, +) }
    static func multiply(_ a: Tensor64, _ b: Tensor64) -> Tensor64 { zip(a, b, *) }
    static func scale(_ a: Tensor64, _ s: Double) -> Tensor64 { map(a) { $0 * s } }

    /// x[n,c,:,:] * s[n,c,0,0]
    static func channelScale(_ x: Tensor64, _ s: Tensor64) -> Tensor64 {
        var y = x
        for b in 0..<x.shape[0] { for c in 0..<x.shape[1] { for yy in 0..<x.shape[2] { for xx in 0..<x.shape[3] {
            y[b, c, yy, xx] = x[b, c, yy, xx] * s[b, c, 0, 0]
        } } } }
        return y
    }

    static func globalAveragePool(_ x: Tensor64) -> Tensor64 {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var y = Tensor64(zeros: [n, c, 1, 1])
        for b in 0..<n { for ch in 0..<c {
            var s = 0.0
            for yy in 0..<h { for xx in 0..<w { s += x[b, ch, yy, xx] } }
            y[b, ch, 0, 0] = s / Double(h * w)
        } }
        return y
    }

    /// Softmax over channels at every pixel.
    static func softmaxChannels(_ x: Tensor64) -> Tensor64 {
        var y = x
        for b in 0..<x.shape[0] { for yy in 0..<x.shape[2] { for xx in 0..<x.shape[3] {
            let m = (0..<x.shape[1]).map { x[b, $0, yy, xx] }.max() ?? 0
            let e = (0..<x.shape[1]).map { Foundation.exp(x[b, $0, yy, xx] - m) }
            let s = e.reduce(0, +)
            for c in 0..<x.shape[1] { y[b, c, yy, xx] = e[c] / s }
        } } }
        return y
    }

    /// PyTorch's PixelShuffle: out[n, c, y*r + i, x*r + j] = in[n, c*r*r + i*r + j, y, x].
    static func pixelShuffle(_ x: Tensor64, _ r: Int) -> Tensor64 {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var y = Tensor64(zeros: [n, cin / (r * r), h * r, w * r])
        for b in 0..<n { for ci in 0..<cin { for yy in 0..<h { for xx in 0..<w {
            let (c, i, j) = (ci / (r * r), (ci % (r * r)) / r, ci % r)
            y[b, c, yy * r + i, xx * r + j] = x[b, ci, yy, xx]
        } } } }
        return y
    }

    /// ATTENTION.md section 1: a bilinear read of one channel plane [h, w] at (y, x).
    static func bilinear(_ plane: (Int, Int) -> Double, h: Int, w: Int, y: Double, x: Double) -> Double {
        if y.isNaN || x.isNaN || y <= -1 || y >= Double(h) || x <= -1 || x >= Double(w) { return 0 }
        let (y0, x0) = (Int(Foundation.floor(y)), Int(Foundation.floor(x)))
        let (ly, lx) = (y - Double(y0), x - Double(x0))
        func v(_ yy: Int, _ xx: Int) -> Double { (yy >= 0 && yy < h && xx >= 0 && xx < w) ? plane(yy, xx) : 0 }
        return (1 - ly) * (1 - lx) * v(y0, x0) + (1 - ly) * lx * v(y0, x0 + 1)
            + ly * (1 - lx) * v(y0 + 1, x0) + ly * lx * v(y0 + 1, x0 + 1)
    }

    /// ATTENTION.md section 1: (dS/dy, dS/dx) by the stated formula (one-sided at integers).
    static func bilinearCoordinateGradient(_ plane: (Int, Int) -> Double, h: Int, w: Int,
                                           y: Double, x: Double) -> (Double, Double) {
        if y.isNaN || x.isNaN || y <= -1 || y >= Double(h) || x <= -1 || x >= Double(w) { return (0, 0) }
        let (y0, x0) = (Int(Foundation.floor(y)), Int(Foundation.floor(x)))
        let (ly, lx) = (y - Double(y0), x - Double(x0))
        func v(_ yy: Int, _ xx: Int) -> Double { (yy >= 0 && yy < h && xx >= 0 && xx < w) ? plane(yy, xx) : 0 }
        let (v00, v01, v10, v11) = (v(y0, x0), v(y0, x0 + 1), v(y0 + 1, x0), v(y0 + 1, x0 + 1))
        return (lx * (v11 - v01) + (1 - lx) * (v10 - v00), ly * (v11 - v10) + (1 - ly) * (v01 - v00))
    }

    /// out[n, k*C + c, y, x] = S(values[n, c], y + off[n, 2k, y, x], x + off[n, 2k+1, y, x]).
    static func sampleAtOffsets(_ values: Tensor64, _ offsets: Tensor64) -> Tensor64 {
        let (n, c, h, w) = (values.shape[0], values.shape[1], values.shape[2], values.shape[3])
        let keys = offsets.shape[1] / 2
        var out = Tensor64(zeros: [n, keys * c, h, w])
        for b in 0..<n { for k in 0..<keys { for yy in 0..<h { for xx in 0..<w {
            let sy = Double(yy) + offsets[b, 2 * k, yy, xx], sx = Double(xx) + offsets[b, 2 * k + 1, yy, xx]
            for ch in 0..<c {
                out[b, k * c + ch, yy, xx] = bilinear({ values[b, ch, $0, $1] }, h: h, w: w, y: sy, x: sx)
            }
        } } } }
        return out
    }

    /// mean |p - t|, shape [1]
    static func l1Loss(_ p: Tensor64, _ t: Tensor64) -> Tensor64 {
        Tensor64(shape: [1], data: [Swift.zip(p.data, t.data).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(p.count)])
    }

    /// mean (p - t)^2, shape [1]
    static func mseLoss(_ p: Tensor64, _ t: Tensor64) -> Tensor64 {
        Tensor64(shape: [1], data: [Swift.zip(p.data, t.data).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(p.count)])
    }
}
