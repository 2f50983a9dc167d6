using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>
/// Batch normalisation as Keras's BatchNormalization: per channel (dimension 1) over the batch and any
/// spatial dimensions, so it serves both (batch, features) and (batch, c, h, w). Training uses the
/// batch's mean and biased variance and updates the moving statistics with momentum 0.99; inference
/// (and a frozen layer, as in Keras) uses the moving statistics. ε = 1e-3, γ = 1, β = 0.
/// </summary>
public sealed class BatchNorm(double momentum = 0.99, double epsilon = 1e-3) : Module
{
    private Parameter? _gamma, _beta, _movingMean, _movingVariance;
    private int _channels, _spatial, _batch;
    private float[] _xhat = [];
    private float[] _invStd = [];
    private bool _batchStatistics;
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "batch_normalization";

    /// <summary>Weight of the old value in the moving statistics.</summary>
    public double Momentum { get; } = momentum;

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _gamma is null ? [] : [_gamma, _beta!, _movingMean!, _movingVariance!];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object> { ["momentum"] = Momentum, ["epsilon"] = Epsilon, ["axis"] = 1 };

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        _channels = inputShape[0];
        _spatial = Tensor.Count(inputShape.AsSpan(1));
        _gamma = new Parameter(Name + ".gamma", [_channels]);
        _beta = new Parameter(Name + ".beta", [_channels]);
        _movingMean = new Parameter(Name + ".moving_mean", [_channels]) { IsState = true, Trainable = false };
        _movingVariance = new Parameter(Name + ".moving_variance", [_channels]) { IsState = true, Trainable = false };
        _gamma.Value.Span.Fill(1f);
        _movingVariance.Value.Span.Fill(1f);
        _invStd = new float[_channels];
        return inputShape;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _batch = input.Batch;
        _batchStatistics = training && Trainable;
        var output = Reuse(ref _output, _batch, OutputShape!);
        if (_xhat.Length != input.Length)
        {
            _xhat = new float[input.Length];
        }

        var (x, y, xhat) = (input.Data, output.Data, _xhat);
        var (gamma, beta) = (_gamma!.Value.Data, _beta!.Value.Data);
        var (movingMean, movingVar) = (_movingMean!.Value.Data, _movingVariance!.Value.Data);
        var m = _batch * _spatial;
        Workers.For(_channels, c =>
        {
            double mean, variance;
            if (_batchStatistics)
            {
                // Two passes in a fixed order: exact enough, and the same on any thread count.
                double sum = 0;
                for (var n = 0; n < _batch; n++)
                {
                    foreach (var v in x.AsSpan((n * _channels + c) * _spatial, _spatial))
                    {
                        sum += v;
                    }
                }

                mean = sum / m;
                double squares = 0;
                for (var n = 0; n < _batch; n++)
                {
                    foreach (var v in x.AsSpan((n * _channels + c) * _spatial, _spatial))
                    {
                        squares += (v - mean) * (v - mean);
                    }
                }

                variance = squares / m;
                movingMean[c] = (float)(movingMean[c] * Momentum + mean * (1 - Momentum));
                movingVar[c] = (float)(movingVar[c] * Momentum + variance * (1 - Momentum));
            }
            else
            {
                (mean, variance) = (movingMean[c], movingVar[c]);
            }

            var invStd = (float)(1 / Math.Sqrt(variance + Epsilon));
            _invStd[c] = invStd;
            for (var n = 0; n < _batch; n++)
            {
                var at = (n * _channels + c) * _spatial;
                for (var i = at; i < at + _spatial; i++)
                {
                    xhat[i] = (float)((x[i] - mean) * invStd);
                    y[i] = gamma[c] * xhat[i] + beta[c];
                }
            }
        });
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, _batch, InputShape!);
        var (g, dx, xhat) = (gradOutput.Data, gradInput.Data, _xhat);
        var gamma = _gamma!.Value.Data;
        var (dGamma, dBeta) = (_gamma.Grad.Data, _beta!.Grad.Data);
        var m = _batch * _spatial;
        Workers.For(_channels, c =>
        {
            double sumG = 0, sumGX = 0;
            for (var n = 0; n < _batch; n++)
            {
                var at = (n * _channels + c) * _spatial;
                for (var i = at; i < at + _spatial; i++)
                {
                    sumG += g[i];
                    sumGX += g[i] * xhat[i];
                }
            }

            if (Trainable)
            {
                dGamma[c] += (float)sumGX;
                dBeta[c] += (float)sumG;
            }

            var scale = gamma[c] * _invStd[c];
            for (var n = 0; n < _batch; n++)
            {
                var at = (n * _channels + c) * _spatial;
                for (var i = at; i < at + _spatial; i++)
                {
                    // With batch statistics the mean and variance depend on x too; with moving ones they are constants.
                    dx[i] = _batchStatistics
                        ? (float)(scale * (g[i] - sumG / m - xhat[i] * sumGX / m))
                        : scale * g[i];
                }
            }
        });
        return gradInput;
    }
}
