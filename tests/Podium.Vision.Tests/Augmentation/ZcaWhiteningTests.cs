using System.Text.Json;
using Podium.Nn;
using Podium.Tests;
using Podium.Vision.Augmentation;
using Xunit;

namespace Podium.Vision.Tests.Augmentation;

/// <summary>ZCA whitening against NumPy's SVD of Keras's formula, its defining property, and the eigensolver under it.</summary>
public sealed class ZcaWhiteningTests
{
    /// <summary>Correlated images: each pixel mixes three shared random sources with its own noise, so the covariance is far from diagonal.</summary>
    private static Tensor CorrelatedImages(int n, int c, int h, int w, int seed)
    {
        var rng = new Rng((ulong)seed);
        var per = c * h * w;
        var mixing = Enumerable.Range(0, 3 * per).Select(_ => rng.NextFloat()).ToArray();
        var data = new float[n * per];
        for (var i = 0; i < n; i++)
        {
            var sources = new[] { rng.NextFloat(), rng.NextFloat(), rng.NextFloat() };
            for (var j = 0; j < per; j++)
            {
                data[i * per + j] = 2 * sources[0] * mixing[j] + sources[1] * mixing[per + j] - sources[2] * mixing[2 * per + j] + 0.3f * rng.NextFloat();
            }
        }

        return new Tensor(data, n, c, h, w);
    }

    /// <summary>Keras's fit and standardize in NumPy, float64, on channels-last arrays as Keras holds them.</summary>
    private const string OracleScript = """
        import json, sys
        import numpy as np
        case = json.load(sys.stdin)
        n, c, h, w = case['shape']
        x = np.array(case['train'], dtype=np.float64).reshape(n, c, h, w).transpose(0, 2, 3, 1)
        mean = x.mean(axis=(0, 1, 2)).reshape(1, 1, c)
        x = x - mean
        flat = x.reshape(n, -1)
        u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
        s_inv = np.sqrt(n) / (s + case['epsilon'])
        zca = (u * s_inv).dot(u.T)
        probe = np.array(case['probe'], dtype=np.float64).reshape(c, h, w).transpose(1, 2, 0) - mean
        white = (probe.reshape(1, -1) @ zca).reshape(h, w, c).transpose(2, 0, 1)
        print(json.dumps(white.ravel().tolist()))
        """;

    private static double[] Oracle(Tensor train, float[] probe, double epsilon) =>
        JsonSerializer.Deserialize<double[]>(PythonOracle.Run(OracleScript, JsonSerializer.Serialize(new { shape = train.Shape, train = train.Data, probe, epsilon })))!;

    [Theory]
    [InlineData(200, 1e-6)] // more images than values per image: the d × d Gram matrix
    [InlineData(20, 1e-6)] // fewer: the n × n Gram matrix, as numpy's thin SVD
    [InlineData(200, 0.1)] // a large epsilon, which damps the small components
    public void Whitening_matches_keras_formula_computed_by_numpy(int n, double epsilon)
    {
        var train = CorrelatedImages(n, 3, 4, 4, seed: 5);
        var probe = CorrelatedImages(1, 3, 4, 4, seed: 99).Data;
        var generator = new ImageDataGenerator { ZcaWhitening = true, ZcaEpsilon = epsilon };
        generator.Fit(train);
        var expected = Oracle(train, probe, epsilon);

        var image = (float[])probe.Clone();
        generator.Standardize(image, [3, 4, 4]);

        var scale = expected.Max(Math.Abs);
        for (var i = 0; i < image.Length; i++)
        {
            Assert.True(Math.Abs(image[i] - expected[i]) <= 2e-4 * scale, $"value {i}: {image[i]} vs numpy {expected[i]}");
        }
    }

    [Fact]
    public void Whitened_training_images_have_identity_second_moment()
    {
        const int N = 400, D = 2 * 3 * 3;
        var train = CorrelatedImages(N, 2, 3, 3, seed: 11);
        var generator = new ImageDataGenerator { ZcaWhitening = true, ZcaEpsilon = 1e-9 };
        generator.Fit(train);
        var white = generator.Standardized(train);

        for (var i = 0; i < D; i++)
        {
            for (var j = 0; j < D; j++)
            {
                double moment = 0;
                for (var s = 0; s < N; s++)
                {
                    moment += (double)white.Data[s * D + i] * white.Data[s * D + j];
                }

                Assert.Equal(i == j ? 1.0 : 0.0, moment / N, 3);
            }
        }
    }

    [Fact]
    public void Zca_implies_centring_and_overrides_std_normalization_as_in_keras()
    {
        var generator = new ImageDataGenerator { ZcaWhitening = true, FeaturewiseStdNormalization = true };

        Assert.True(generator.CentresFeatures);
        Assert.False(generator.NormalizesFeatures);
        var settings = JsonDocument.Parse(generator.ToJson()).RootElement;
        Assert.True(settings.GetProperty("featurewise_center").GetBoolean());
        Assert.True(settings.GetProperty("zca_whitening").GetBoolean());
        Assert.Equal(1e-6, settings.GetProperty("zca_epsilon").GetDouble());
        Assert.False(settings.TryGetProperty("featurewise_std_normalization", out _));
    }

    [Fact]
    public void Standardize_before_fit_names_zca()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ImageDataGenerator { ZcaWhitening = true }.Standardize(new float[4], [1, 2, 2]));

        Assert.Contains("zca_whitening", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public void Eigen_decomposition_reconstructs_the_matrix_with_orthonormal_vectors(int n)
    {
        var rng = new Rng(3);
        var a = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                a[i, j] = a[j, i] = rng.NextFloat() - 0.5;
            }
        }

        // A repeated eigenvalue and a zero one, which simpler iterations trip on.
        if (n >= 7)
        {
            for (var j = 0; j < n; j++)
            {
                a[1, j] = a[j, 1] = a[0, j];
                a[2, j] = a[j, 2] = 0;
            }
        }

        var rows = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => a[i, j]).ToArray()).ToArray();
        var (values, vectors) = SymmetricEigen.Decompose(rows);

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double reconstructed = 0, dot = 0;
                for (var k = 0; k < n; k++)
                {
                    reconstructed += values[k] * vectors[k][i] * vectors[k][j];
                    dot += vectors[i][k] * vectors[j][k];
                }

                Assert.Equal(a[i, j], reconstructed, 10);
                Assert.Equal(i == j ? 1.0 : 0.0, dot, 10);
            }
        }
    }

    [Fact]
    public void Keras_implications_hold_for_std_normalization_alone()
    {
        var train = new Tensor([1f, 3f, 5f, 7f], 2, 1, 1, 2);
        var generator = new ImageDataGenerator { FeaturewiseStdNormalization = true };
        generator.Fit(train);
        float[] image = [4f, 4f];
        generator.Standardize(image, [1, 1, 2]);

        Assert.Equal([0f, 0f], image);

        float[] sample = [1f, 3f];
        new ImageDataGenerator { SamplewiseStdNormalization = true }.Standardize(sample, [1, 1, 2]);

        Assert.Equal(-1.0, sample[0], 5);
        Assert.Equal(1.0, sample[1], 5);
    }
}
