@testable import Acla

/// Naive float64 renderings of the backbones (CONVENTIONS.md section 1), written with plain loops
/// and sharing no code with the implementation: the reference the forward tests compare against.
struct RefMap {
    var c: Int, h: Int, w: Int
    var v: [Double]

    init(c: Int, h: Int, w: Int) {
        self.c = c; self.h = h; self.w = w
        v = [Double](repeating: 0, count: c * h * w)
    }

    subscript(ch: Int, y: Int, x: Int) -> Double {
        get { v[(ch * h + y) * w + x] }
        set { v[(ch * h + y) * w + x] = newValue }
    }
}

struct ModelReference {
    let params: [String: (shape: [Int], values: [Double])]

    init(_ network: Network) {
        var p: [String: (shape: [Int], values: [Double])] = [:]
        for (name, v) in network.parameters.parameters { p[name] = (v.value.shape, v.value.data.map(Double.init)) }
        params = p
    }

    func conv(_ name: String, _ x: RefMap) -> RefMap {
        let (ws, w) = params[name + ".weight"]!
        let b = params[name + ".bias"]!.values
        let (cout, cin, k) = (ws[0], ws[1], ws[2])
        precondition(cin == x.c)
        var y = RefMap(c: cout, h: x.h, w: x.w)
        for o in 0..<cout { for yy in 0..<x.h { for xx in 0..<x.w {
            var acc = b[o]
            for i in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                let sy = yy + ky - k / 2, sx = xx + kx - k / 2
                if sy < 0 || sy >= x.h || sx < 0 || sx >= x.w { continue }
                acc += w[((o * cin + i) * k + ky) * k + kx] * x[i, sy, sx]
            } } }
            y[o, yy, xx] = acc
        } } }
        return y
    }

    func relu(_ x: RefMap) -> RefMap { var y = x; y.v = y.v.map { max($0, 0) }; return y }
    func add(_ a: RefMap, _ b: RefMap) -> RefMap { var y = a; for i in 0..<y.v.count { y.v[i] += b.v[i] }; return y }
    func scaled(_ a: RefMap, _ s: Double) -> RefMap { var y = a; y.v = y.v.map { $0 * s }; return y }

    func shuffle(_ x: RefMap, _ r: Int) -> RefMap {
        var y = RefMap(c: x.c / (r * r), h: x.h * r, w: x.w * r)
        for c in 0..<y.c { for yy in 0..<y.h { for xx in 0..<y.w {
            y[c, yy, xx] = x[c * r * r + (yy % r) * r + (xx % r), yy / r, xx / r]
        } } }
        return y
    }

    func channelAttention(_ name: String, _ x: RefMap) -> RefMap {
        var pooled = RefMap(c: x.c, h: 1, w: 1)
        for c in 0..<x.c {
            var s = 0.0
            for y in 0..<x.h { for xx in 0..<x.w { s += x[c, y, xx] } }
            pooled[c, 0, 0] = s / Double(x.h * x.w)
        }
        let g = conv(name + ".conv_du.2", try relu(conv(name + ".conv_du.0", pooled)))
        var y = x
        for c in 0..<x.c {
            let s = 1 / (1 + Foundation_exp(-g[c, 0, 0]))
            for yy in 0..<x.h { for xx in 0..<x.w { y[c, yy, xx] *= s } }
        }
        return y
    }

    /// The whole network for one image (config from the network under test).
    func forward(_ config: ModelConfig, _ input: RefMap) -> RefMap {
        var x = input
        if config.task == .sr { x = conv("sub_mean", x) }
        let head = conv("head.0", x)
        var r = head
        switch config.backbone {
        case .edsr:
            for i in 0..<config.blocks {
                let t = conv("body.\(i).body.2", try relu(conv("body.\(i).body.0", r)))
                r = add(scaled(t, config.resScale), r)
            }
            r = add(conv("body.\(config.blocks)", r), head)
        case .rcan:
            for g in 0..<config.groups {
                var gr = r
                for b in 0..<config.blocks {
                    let p = "body.\(g).body.\(b).body"
                    gr = add(channelAttention(p + ".3", conv(p + ".2", try relu(conv(p + ".0", gr)))), gr)
                }
                r = add(conv("body.\(g).body.\(config.blocks)", gr), r)
            }
            r = add(conv("body.\(config.groups)", r), head)
        default:
            preconditionFailure("the reference has no backbone \(config.backbone)")  // test code only
        }
        if config.task != .sr { return add(conv("tail.0", r), input) }
        switch config.scale {
        case 2: r = shuffle(conv("tail.0.0", r), 2)
        case 3: r = shuffle(conv("tail.0.0", r), 3)
        default: r = shuffle(conv("tail.0.2", shuffle(conv("tail.0.0", r), 2)), 2)
        }
        return conv("add_mean", conv("tail.1", r))
    }
}

import Foundation
func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }
