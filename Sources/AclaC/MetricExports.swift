import Acla

// PSNR and SSIM (include/acla.h, "Images, degradations and metrics").

private typealias Metric = (Image8, Image8, Int, MetricChannels) throws -> Double

private func metric(_ a: Image8, _ b: Image8, _ border: Int32, _ measure: Int32,
                    _ out: UnsafeMutablePointer<Double>?, _ f: Metric) throws {
    let out = try requireNonNull(out, "out")
    let channels = try ImageArguments.measure(measure)
    guard border >= 0 else { throw AclaError.invalidArgument("border must be >= 0, got \(border)") }
    out.pointee = try f(a, b, Int(border), channels)
}

/// A metric on two 8-bit images given as C buffers.
private func metricU8(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ len: UInt, _ channels: Int32,
                      _ height: Int32, _ width: Int32, _ border: Int32, _ measure: Int32,
                      _ out: UnsafeMutablePointer<Double>?, _ f: Metric) -> Int32 {
    boundary {
        let x = try ImageArguments.image8(a, len, channels, height, width, "a")
        let y = try ImageArguments.image8(b, len, channels, height, width, "b")
        try metric(x, y, border, measure, out, f)
    }
}

/// A metric on two float images, each quantised as round(clamp(x, 0, 255)) first.
private func metricF32(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ len: UInt, _ channels: Int32,
                       _ height: Int32, _ width: Int32, _ border: Int32, _ measure: Int32,
                       _ out: UnsafeMutablePointer<Double>?, _ f: Metric) -> Int32 {
    boundary {
        let x = try ImageArguments.floatImage(a, len, channels, height, width, "a").quantized()
        let y = try ImageArguments.floatImage(b, len, channels, height, width, "b").quantized()
        try metric(x, y, border, measure, out, f)
    }
}

private let psnr: Metric = { try ImageMetrics.psnr($0, $1, border: $2, channels: $3) }
private let ssim: Metric = { try ImageMetrics.ssim($0, $1, border: $2, channels: $3) }

@_cdecl("acla_psnr")
public func acla_psnr(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ len: UInt, _ channels: Int32,
                      _ height: Int32, _ width: Int32, _ border: Int32, _ measure: Int32,
                      _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    metricU8(a, b, len, channels, height, width, border, measure, out, psnr)
}

@_cdecl("acla_ssim")
public func acla_ssim(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ len: UInt, _ channels: Int32,
                      _ height: Int32, _ width: Int32, _ border: Int32, _ measure: Int32,
                      _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    metricU8(a, b, len, channels, height, width, border, measure, out, ssim)
}

@_cdecl("acla_psnr_f32")
public func acla_psnr_f32(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ len: UInt, _ channels: Int32,
                          _ height: Int32, _ width: Int32, _ border: Int32, _ measure: Int32,
                          _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    metricF32(a, b, len, channels, height, width, border, measure, out, psnr)
}

@_cdecl("acla_ssim_f32")
public func acla_ssim_f32(_ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ len: UInt, _ channels: Int32,
                          _ height: Int32, _ width: Int32, _ border: Int32, _ measure: Int32,
                          _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    metricF32(a, b, len, channels, height, width, border, measure, out, ssim)
}
