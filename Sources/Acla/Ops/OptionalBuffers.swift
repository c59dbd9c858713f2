/// Pointer access to optional tensors for kernels that take NULL for "absent".
func withOptionalBuffer<R>(_ a: TensorData?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}

func withOptionalBuffer<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}

func withOptionalMutableBuffer<R>(_ t: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard t != nil else { return body(nil) }
    return t!.data.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
