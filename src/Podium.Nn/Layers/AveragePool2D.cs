using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>Average pooling over square windows ('valid' padding); each window's gradient is shared equally.</summary>
public sealed class AveragePool2D(int poolSize = 2, int? stride = null) : Pool2D(poolSize, stride)
{
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "average_pooling2d";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        BatchSize = input.Batch;
        var output = Reuse(ref _output, BatchSize, OutputShape!);
        var (x, y) = (input.Data, output.Data);
        var scale = 1f / (PoolSize * PoolSize);
        Workers.For(BatchSize * C, plane =>
        {
            for (var oy = 0; oy < OutH; oy++)
            {
                for (var ox = 0; ox < OutW; ox++)
                {
                    var sum = 0f;
                    for (var i = 0; i < PoolSize; i++)
                    {
                        var row = (plane * H + oy * Stride + i) * W + ox * Stride;
                        for (var j = 0; j < PoolSize; j++)
                        {
                            sum += x[row + j];
                        }
                    }

                    y[(plane * OutH + oy) * OutW + ox] = sum * scale;
                }
            }
        });
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, BatchSize, InputShape!);
        var (g, dx) = (gradOutput.Data, gradInput.Data);
        var scale = 1f / (PoolSize * PoolSize);
        Workers.For(BatchSize * C, plane =>
        {
            dx.AsSpan(plane * H * W, H * W).Clear();
            for (var oy = 0; oy < OutH; oy++)
            {
                for (var ox = 0; ox < OutW; ox++)
                {
                    var share = g[(plane * OutH + oy) * OutW + ox] * scale;
                    for (var i = 0; i < PoolSize; i++)
                    {
                        var row = (plane * H + oy * Stride + i) * W + ox * Stride;
                        for (var j = 0; j < PoolSize; j++)
                        {
                            dx[row + j] += share;
                        }
                    }
                }
            }
        });
        return gradInput;
    }
}
