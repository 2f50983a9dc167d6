namespace Podium.Nn.Tests;

/// <summary>Direct float64 implementations, written independently of the engine, for gradient checks.</summary>
public static class References
{
    /// <summary>A direct convolution, NCHW, kernel (filters, c, k, k).</summary>
    public static double[] Conv(double[] x, double[] kernel, double[] bias, int batch, int c, int h, int w, int filters, int k, int stride,
        int padTop, int padLeft, int oh, int ow, bool relu)
    {
        var y = new double[batch * filters * oh * ow];
        for (var n = 0; n < batch; n++)
        {
            for (var f = 0; f < filters; f++)
            {
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var sum = bias[f];
                        for (var ch = 0; ch < c; ch++)
                        {
                            for (var i = 0; i < k; i++)
                            {
                                for (var j = 0; j < k; j++)
                                {
                                    var (iy, ix) = (oy * stride - padTop + i, ox * stride - padLeft + j);
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                    {
                                        sum += kernel[((f * c + ch) * k + i) * k + j] * x[((n * c + ch) * h + iy) * w + ix];
                                    }
                                }
                            }
                        }

                        y[((n * filters + f) * oh + oy) * ow + ox] = relu ? Math.Max(0, sum) : sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>Batch normalisation with batch statistics (biased variance), per channel over batch and space.</summary>
    public static double[] BatchNormTraining(double[] x, double[] gamma, double[] beta, int batch, int channels, int spatial, double epsilon)
    {
        var y = new double[x.Length];
        for (var c = 0; c < channels; c++)
        {
            var values = new List<double>();
            for (var n = 0; n < batch; n++)
            {
                for (var s = 0; s < spatial; s++)
                {
                    values.Add(x[(n * channels + c) * spatial + s]);
                }
            }

            var mean = values.Average();
            var variance = values.Select(v => (v - mean) * (v - mean)).Average();
            for (var n = 0; n < batch; n++)
            {
                for (var s = 0; s < spatial; s++)
                {
                    var i = (n * channels + c) * spatial + s;
                    y[i] = gamma[c] * (x[i] - mean) / Math.Sqrt(variance + epsilon) + beta[c];
                }
            }
        }

        return y;
    }
}
