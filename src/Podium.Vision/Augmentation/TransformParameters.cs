namespace Podium.Vision.Augmentation;

/// <summary>One sample's random transform, with Keras's parameter names and units.</summary>
/// <param name="Theta">Rotation in degrees.</param>
/// <param name="Tx">Shift along the rows (height), in pixels.</param>
/// <param name="Ty">Shift along the columns (width), in pixels.</param>
/// <param name="Shear">Shear angle in degrees.</param>
/// <param name="Zx">Zoom factor along the rows.</param>
/// <param name="Zy">Zoom factor along the columns.</param>
/// <param name="FlipHorizontal">Mirror left–right.</param>
/// <param name="FlipVertical">Mirror top–bottom.</param>
/// <param name="ChannelShift">Added to every channel, or null.</param>
/// <param name="Brightness">Brightness factor, or null.</param>
public sealed record TransformParameters(
    double Theta = 0,
    double Tx = 0,
    double Ty = 0,
    double Shear = 0,
    double Zx = 1,
    double Zy = 1,
    bool FlipHorizontal = false,
    bool FlipVertical = false,
    double? ChannelShift = null,
    double? Brightness = null);
