namespace Podium.Nn.Layers;

/// <summary>How a convolution treats borders, as in Keras.</summary>
public enum Padding
{
    /// <summary>No padding: the output shrinks by kernel - 1 (then divided by the stride).</summary>
    Valid,

    /// <summary>Zero padding so the output is ceil(input / stride), extra padding at the bottom and right.</summary>
    Same,
}
