namespace Podium.Nn.Tests;

/// <summary>Small images whose class is which quadrant is bright, with noise: learnable in seconds.</summary>
public static class SyntheticData
{
    public static (Tensor X, Tensor Y) Quadrants(int count, ulong seed, int size = 8)
    {
        var rng = new Rng(seed);
        var x = new Tensor(count, 1, size, size);
        var y = new Tensor(count, 4);
        var half = size / 2;
        for (var n = 0; n < count; n++)
        {
            var label = n % 4;
            y.Data[n * 4 + label] = 1f;
            for (var i = 0; i < size; i++)
            {
                for (var j = 0; j < size; j++)
                {
                    var quadrant = (i < half ? 0 : 2) + (j < half ? 0 : 1);
                    x.Data[(n * size + i) * size + j] = (quadrant == label ? 0.8f : 0.1f) + (rng.NextFloat() - 0.5f) * 0.3f;
                }
            }
        }

        return (x, y);
    }
}
