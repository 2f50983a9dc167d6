using Podium.Nn;

namespace Podium.Vision.Augmentation;

/// <summary>
/// Keras's ZCA whitening matrix: with the flattened training images as the rows of X (n × d) and the thin SVD
/// Xᵀ = U S Vᵀ, W = U diag(√n / (s + ε)) Uᵀ, so a whitened image is W x and the whitened set's second moment
/// (1/n)·Σ x xᵀ is the identity on X's span when ε is small. Computed in double from the smaller Gram matrix.
/// </summary>
internal static class Zca
{
    /// <summary>The d × d matrix, row-major, for <paramref name="n"/> images of <paramref name="d"/> values each.</summary>
    public static float[] WhiteningMatrix(ReadOnlySpan<float> images, int n, int d, double epsilon)
    {
        var root = Math.Sqrt(n);

        // The singular pairs come from whichever of XᵀX (d × d) and XXᵀ (n × n) is smaller; both have eigenvalues s².
        var (weights, directions) = n >= d ? FromFeatureGram(FeatureGram(images, n, d)) : FromSampleGram(Rows(images, n, d), d);
        var whitening = new float[d * d];
        Engine.For(d, i =>
        {
            for (var j = 0; j < d; j++)
            {
                double sum = 0;
                for (var k = 0; k < directions.Length; k++)
                {
                    sum += directions[k][i] * directions[k][j] * weights[k];
                }

                whitening[i * d + j] = (float)sum;
            }
        });

        return whitening;

        (double[] Weights, double[][] Directions) Scale(double[] eigenvalues, double[][] vectors)
        {
            var weights = new double[eigenvalues.Length];
            for (var k = 0; k < weights.Length; k++)
            {
                weights[k] = root / (Math.Sqrt(Math.Max(eigenvalues[k], 0)) + epsilon);
            }

            return (weights, vectors);
        }

        (double[], double[][]) FromFeatureGram(double[][] gram)
        {
            var (values, vectors) = SymmetricEigen.Decompose(gram);
            return Scale(values, vectors);
        }

        (double[], double[][]) FromSampleGram(double[][] x, int width)
        {
            // uₖ = Xᵀ vₖ / sₖ for every non-zero singular value; the rest span nothing of X and are left out.
            var gram = SampleGram(x);
            var (values, vectors) = SymmetricEigen.Decompose(gram);
            var largest = values.Max();
            var kept = Enumerable.Range(0, values.Length).Where(k => values[k] > largest * 1e-12).ToArray();
            var directions = new double[kept.Length][];
            for (var t = 0; t < kept.Length; t++)
            {
                var (v, s) = (vectors[kept[t]], Math.Sqrt(values[kept[t]]));
                var u = new double[width];
                for (var i = 0; i < x.Length; i++)
                {
                    for (var j = 0; j < width; j++)
                    {
                        u[j] += x[i][j] * v[i];
                    }
                }

                for (var j = 0; j < width; j++)
                {
                    u[j] /= s;
                }

                directions[t] = u;
            }

            return Scale(kept.Select(k => values[k]).ToArray(), directions);
        }
    }

    private static double[][] Rows(ReadOnlySpan<float> images, int n, int d)
    {
        var rows = new double[n][];
        for (var i = 0; i < n; i++)
        {
            rows[i] = new double[d];
            for (var j = 0; j < d; j++)
            {
                rows[i][j] = images[i * d + j];
            }
        }

        return rows;
    }

    /// <summary>XXᵀ (n × n).</summary>
    private static double[][] SampleGram(double[][] x)
    {
        var n = x.Length;
        var gram = new double[n][];
        for (var i = 0; i < n; i++)
        {
            gram[i] = new double[n];
        }

        Engine.For(n, i =>
        {
            for (var j = 0; j <= i; j++)
            {
                gram[i][j] = gram[j][i] = Simd.Dot<double>(x[i], x[j]);
            }
        });

        return gram;
    }

    /// <summary>XᵀX (d × d), accumulated over blocks of samples held column-major, in a fixed order.</summary>
    private static double[][] FeatureGram(ReadOnlySpan<float> images, int n, int d)
    {
        const int block = 256;
        var gram = new double[d][];
        var columns = new double[d][];
        for (var j = 0; j < d; j++)
        {
            gram[j] = new double[d];
            columns[j] = new double[block];
        }

        for (var start = 0; start < n; start += block)
        {
            var count = Math.Min(block, n - start);
            for (var j = 0; j < d; j++)
            {
                var column = columns[j];
                Array.Clear(column);
                for (var i = 0; i < count; i++)
                {
                    column[i] = images[(start + i) * d + j];
                }
            }

            Engine.For(d, i =>
            {
                for (var j = 0; j <= i; j++)
                {
                    gram[i][j] += Simd.Dot<double>(columns[i], columns[j]);
                }
            });
        }

        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < i; j++)
            {
                gram[j][i] = gram[i][j];
            }
        }

        return gram;
    }
}
