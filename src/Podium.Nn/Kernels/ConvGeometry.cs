namespace Podium.Nn.Kernels;

/// <summary>
/// A built convolution's shapes: input (channels × height × width), filters of kernelSize × kernelSize at a stride, and
/// the output (filters × outHeight × outWidth) with the padding before the first row and column.
/// </summary>
internal sealed record ConvGeometry(int Channels, int Height, int Width, int Filters, int KernelSize, int Stride,
    int OutHeight, int OutWidth, int PadTop, int PadLeft)
{
    /// <summary>Rows of im2col's columns, and floats of one filter: channels × k × k.</summary>
    public int Rows => Channels * KernelSize * KernelSize;

    /// <summary>Output positions of one image.</summary>
    public int Positions => OutHeight * OutWidth;

    /// <summary>Floats of one input image.</summary>
    public int InputSize => Channels * Height * Width;
}
