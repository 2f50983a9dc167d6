using System.Diagnostics;
using System.Text.Json;
using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Training;
using Podium.Vision.Datasets;

/// <summary>
/// Podium's side of the PyTorch comparison, with the reference script's protocol: the prototype's
/// basic_cnn (5×5 kernels), Adam 1e-3, 10 warm-up steps, then steps timed for a number of seconds.
/// </summary>
internal static class TrainBench
{
    public static Dictionary<string, object> Run(double seconds, string parts)
    {
        var results = new Dictionary<string, object>();
        var wanted = parts.Split(',');
        if (wanted.Contains("train32") || wanted.Contains("infer256"))
        {
            var (x, y) = LoadFashionMnist(training: true);
            if (wanted.Contains("train32"))
            {
                results["train32"] = Train(BasicCnn(1, 28, 10, Padding.Same), x, y, 32, seconds, "Fashion-MNIST 1x28x28, same padding");
            }

            if (wanted.Contains("infer256"))
            {
                var (tx, _) = LoadFashionMnist(training: false);
                results["infer256"] = Infer(BasicCnn(1, 28, 10, Padding.Same), tx, 256, seconds);
            }
        }

        if (wanted.Contains("epochs"))
        {
            results["epochs"] = Epochs(3);
        }

        if (wanted.Contains("rgb32"))
        {
            var rng = new Rng(0);
            var x = new Tensor(512, 3, 100, 100);
            var y = new Tensor(512, 5);
            for (var i = 0; i < x.Length; i++)
            {
                x.Data[i] = rng.NextFloat();
            }

            for (var n = 0; n < 512; n++)
            {
                y.Data[n * 5 + rng.NextInt(5)] = 1f;
            }

            var model = BasicCnn(3, 100, 5, Padding.Valid);
            results["rgb32"] = Train(model, x, y, 32, seconds, "synthetic 3x100x100, 5 classes, valid padding");
            results["rgb_infer256"] = Infer(model, x, 256, Math.Min(seconds, 10));
        }

        return results;
    }

    /// <summary>The reference's "epochs" part: 3×3 kernels with same padding, full 60k training set, batch 64, Adam, seed 0; test accuracy and time per epoch.</summary>
    private static Dictionary<string, object> Epochs(int epochs)
    {
        var (x, y) = LoadFashionMnist(training: true);
        var (tx, ty) = LoadFashionMnist(training: false);
        var model = new Sequential("basic_cnn_3x3")
            .Add(new Conv2D(32, 3, padding: Padding.Same, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(64, 3, padding: Padding.Same, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(128, 3, padding: Padding.Same, relu: true)).Add(new MaxPool2D(2))
            .Add(new Flatten()).Add(new Dense(64, relu: true)).Add(new Dropout(0.3)).Add(new Dense(10)).Add(new Softmax())
            .Build([1, 28, 28], seed: 0)
            .Compile(new Adam(), new CategoricalCrossentropy());
        var rows = new List<Dictionary<string, object>>();
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var history = model.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 64, Seed = epoch });
            var trainSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var (_, accuracy) = model.Evaluate(tx, ty, 1000);
            rows.Add(new Dictionary<string, object>
            {
                ["epoch"] = epoch, ["train_seconds"] = Math.Round(trainSeconds, 2), ["train_loss"] = Math.Round(history["loss"][0], 4),
                ["test_acc"] = Math.Round(accuracy, 4), ["eval_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
                ["train_images_per_s"] = Math.Round(x.Batch / trainSeconds, 1),
            });
            Console.Error.WriteLine($"podium epoch {epoch}: {JsonSerializer.Serialize(rows[^1])}");
        }

        return new Dictionary<string, object> { ["batch"] = 64, ["optimizer"] = "Adam lr=1e-3", ["seed"] = 0, ["per_epoch"] = rows };
    }

    /// <summary>The prototype's basic_cnn: conv 32/64/128 5×5 + ReLU, each followed by 2×2 max-pooling; flatten, dropout 0.3, dense 64 ReLU, dense classes, softmax.</summary>
    public static Sequential BasicCnn(int channels, int size, int classes, Padding padding) =>
        new Sequential("basic_cnn")
            .Add(new Conv2D(32, 5, padding: padding, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(64, 5, padding: padding, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(128, 5, padding: padding, relu: true)).Add(new MaxPool2D(2))
            .Add(new Flatten()).Add(new Dropout(0.3)).Add(new Dense(64, relu: true)).Add(new Dense(classes)).Add(new Softmax())
            .Build([channels, size, size], seed: 0)
            .Compile(new Adam(), new CategoricalCrossentropy());

    private static Dictionary<string, object> Train(Sequential model, Tensor x, Tensor y, int batch, double seconds, string input)
    {
        var batches = x.Batch / batch;
        var bx = new Tensor([batch, .. x.Shape.AsSpan(1)]);
        var by = new Tensor(batch, y.Shape[1]);
        var (px, py) = (x.Length / x.Batch, y.Shape[1]);
        var step = 0;
        double lastLoss = 0;
        void Step()
        {
            var i = step++ % batches;
            x.Data.AsSpan(i * batch * px, batch * px).CopyTo(bx.Data);
            y.Data.AsSpan(i * batch * py, batch * py).CopyTo(by.Data);
            lastLoss = model.TrainStep(bx, by).Loss;
        }

        for (var w = 0; w < 10; w++)
        {
            Step();
        }

        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var start = clock.Elapsed.TotalSeconds;
            Step();
            times.Add(clock.Elapsed.TotalSeconds - start);
        }

        var total = clock.Elapsed.TotalSeconds;
        times.Sort();
        return new Dictionary<string, object>
        {
            ["input"] = input, ["batch"] = batch, ["timed_steps"] = times.Count, ["timed_seconds"] = Math.Round(total, 3),
            ["images_per_s"] = Math.Round(times.Count * batch / total, 1),
            ["median_step_ms"] = Math.Round(times[times.Count / 2] * 1000, 3), ["last_loss"] = Math.Round(lastLoss, 4),
            ["gflops"] = Math.Round(times.Count * batch * Flops(model, training: true) / total / 1e9, 1),
            ["peak_working_set_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
        };
    }

    private static Dictionary<string, object> Infer(Sequential model, Tensor x, int batch, double seconds)
    {
        var batches = x.Batch / batch;
        var bx = new Tensor([batch, .. x.Shape.AsSpan(1)]);
        var px = x.Length / x.Batch;
        var steps = 0;
        void Step()
        {
            var i = steps % batches;
            x.Data.AsSpan(i * batch * px, batch * px).CopyTo(bx.Data);
            model.Forward(bx, training: false);
        }

        for (var w = 0; w < 3; w++)
        {
            Step();
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Step();
            steps++;
        }

        return new Dictionary<string, object>
        {
            ["batch"] = batch, ["timed_steps"] = steps, ["timed_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["images_per_s"] = Math.Round(steps * batch / clock.Elapsed.TotalSeconds, 1),
            ["gflops"] = Math.Round(steps * batch * Flops(model, training: false) / clock.Elapsed.TotalSeconds / 1e9, 1),
        };
    }

    /// <summary>
    /// Multiply-adds ×2 per image in the convolutions and dense layers. Training adds the weight gradient
    /// (as many again) and the input gradient (as many again, except the first layer, which has none).
    /// </summary>
    private static double Flops(Sequential model, bool training)
    {
        var total = 0.0;
        var first = true;
        foreach (var layer in model.Layers)
        {
            var forward = layer switch
            {
                Conv2D conv => 2.0 * conv.InputShape![0] * conv.KernelSize * conv.KernelSize * conv.OutputShape!.Aggregate(1, (a, b) => a * b),
                Dense dense => 2.0 * dense.InputShape![0] * dense.Units,
                _ => 0,
            };
            if (forward > 0)
            {
                total += training ? (first ? 2 : 3) * forward : forward;
                first = false;
            }
        }

        return total;
    }

    /// <summary>Fashion-MNIST through Podium.Vision, shuffled once with a fixed seed as the reference's pool is, labels one-hot.</summary>
    private static (Tensor X, Tensor Y) LoadFashionMnist(bool training)
    {
        var (train, test) = FashionMnist.Load();
        var data = training ? train : test;
        var (x, y) = (data.Images, data.OneHot());
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Rng(123).Shuffle(order);
        var (px, py) = (x.Length / x.Batch, y.Length / y.Batch);
        var (sx, sy) = (new Tensor(x.Shape), new Tensor(y.Shape));
        for (var i = 0; i < order.Length; i++)
        {
            x.Data.AsSpan(order[i] * px, px).CopyTo(sx.Data.AsSpan(i * px));
            y.Data.AsSpan(order[i] * py, py).CopyTo(sy.Data.AsSpan(i * py));
        }

        return (sx, sy);
    }

    public static void Print(Dictionary<string, object> results, string path)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var (part, value) in results)
        {
            Console.WriteLine($"podium {part}: {JsonSerializer.Serialize(value)}");
        }
    }
}
