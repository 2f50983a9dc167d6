namespace Podium.Nn;

/// <summary>Weight initialisation with Keras's defaults.</summary>
internal static class Initializers
{
    /// <summary>Glorot (Xavier) uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)), Keras's default kernel initializer.</summary>
    public static void GlorotUniform(Span<float> values, int fanIn, int fanOut, Rng rng)
    {
        var limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (rng.NextFloat() * 2f - 1f) * limit;
        }
    }
}
