/// How a convolution is computed; a ConvolutionPlan picks one per layer and input shape.
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// Naive direct convolution with double sums (conv2d_reference.c): the oracle.
    case reference
    /// im2col row bands and OpenBLAS (conv2d_im2col.c): any kernel size.
    case im2col
}
