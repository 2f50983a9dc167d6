using System.Text.Json;
using Podium.Nn;

namespace Podium.Vision.Augmentation;

/// <summary>
/// Keras's ImageDataGenerator, option for option: the same names, defaults and meaning. Each sample is
/// randomly transformed, then standardized, as Keras's iterators do. Feature-wise statistics come from
/// <see cref="Fit"/> on the training set and are applied identically to every other set.
/// </summary>
public sealed partial class ImageDataGenerator
{
    /// <summary>Subtract the training set's per-channel mean (needs <see cref="Fit"/>).</summary>
    public bool FeaturewiseCenter { get; init; }

    /// <summary>Subtract each image's own mean.</summary>
    public bool SamplewiseCenter { get; init; }

    /// <summary>Divide by the training set's per-channel standard deviation (+1e-6; needs <see cref="Fit"/>); as in Keras, it implies <see cref="FeaturewiseCenter"/>.</summary>
    public bool FeaturewiseStdNormalization { get; init; }

    /// <summary>Divide each image by its own standard deviation (+1e-6); as in Keras, it implies <see cref="SamplewiseCenter"/>.</summary>
    public bool SamplewiseStdNormalization { get; init; }

    /// <summary>
    /// Whiten with the training set's ZCA matrix (needs <see cref="Fit"/>). As in Keras, it implies
    /// <see cref="FeaturewiseCenter"/> and overrides <see cref="FeaturewiseStdNormalization"/>.
    /// </summary>
    public bool ZcaWhitening { get; init; }

    /// <summary>The ε in ZCA's √n / (s + ε).</summary>
    public double ZcaEpsilon { get; init; } = 1e-6;

    /// <summary>Rotate by a random angle in [−range, range] degrees.</summary>
    public double RotationRange { get; init; }

    /// <summary>Shift horizontally: a fraction of the width when below 1, else pixels.</summary>
    public double WidthShiftRange { get; init; }

    /// <summary>Shift vertically: a fraction of the height when below 1, else pixels.</summary>
    public double HeightShiftRange { get; init; }

    /// <summary>Scale brightness by a random factor in this range; null for none.</summary>
    public (double Low, double High)? BrightnessRange { get; init; }

    /// <summary>Shear by a random angle in [−range, range] degrees.</summary>
    public double ShearRange { get; init; }

    /// <summary>Zoom: a single z means [1 − z, 1 + z]; each axis draws its own factor.</summary>
    public double ZoomRange { get; init; }

    /// <summary>Shift all channels by one random amount in [−range, range], clipped to the image's range.</summary>
    public double ChannelShiftRange { get; init; }

    /// <summary>How points outside the image are filled.</summary>
    public FillMode FillMode { get; init; } = FillMode.Nearest;

    /// <summary>The value for <see cref="FillMode.Constant"/>.</summary>
    public double Cval { get; init; }

    /// <summary>Flip left–right with probability ½.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Flip top–bottom with probability ½.</summary>
    public bool VerticalFlip { get; init; }

    /// <summary>Multiply by this before anything else but the preprocessing function; null or 0 for none.</summary>
    public double? Rescale { get; init; }

    /// <summary>The fraction kept for validation by <see cref="Datasets.Splits.KerasGeneratorSubset"/> and <see cref="Datasets.Splits.KerasDirectorySubset"/>.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Applied to each image (channels, height, width) first, in place.</summary>
    public Action<Span<float>, int[]>? PreprocessingFunction { get; init; }

    /// <summary>The per-channel mean from <see cref="Fit"/>.</summary>
    public float[]? Mean { get; private set; }

    /// <summary>The per-channel standard deviation from <see cref="Fit"/>.</summary>
    public float[]? Std { get; private set; }

    /// <summary>The ZCA matrix from <see cref="Fit"/> (features × features, in channel, row, column order).</summary>
    public float[]? WhiteningMatrix { get; private set; }

    /// <summary>Whether feature-wise centring really happens (Keras turns it on for std normalization and ZCA).</summary>
    public bool CentresFeatures => FeaturewiseCenter || FeaturewiseStdNormalization || ZcaWhitening;

    /// <summary>Whether feature-wise std normalization really happens (ZCA overrides it, as in Keras).</summary>
    public bool NormalizesFeatures => FeaturewiseStdNormalization && !ZcaWhitening;

    /// <summary>Whether sample-wise centring really happens (sample-wise std normalization implies it).</summary>
    public bool CentresSamples => SamplewiseCenter || SamplewiseStdNormalization;

    /// <summary>Whether any random transform is configured.</summary>
    public bool Transforms =>
        RotationRange != 0 || WidthShiftRange != 0 || HeightShiftRange != 0 || ShearRange != 0 || ZoomRange != 0
        || ChannelShiftRange != 0 || HorizontalFlip || VerticalFlip || BrightnessRange is not null;

    /// <summary>
    /// Computes the feature-wise statistics from training images (n, c, h, w), after rescaling as Keras does;
    /// the standard deviation is taken after centring, over all images and pixels of a channel, and the ZCA
    /// matrix from the centred images.
    /// </summary>
    public void Fit(Tensor x)
    {
        if (x.Shape.Length != 4)
        {
            throw new ArgumentException($"Fit takes images (n, channels, height, width), got {Tensor.Format(x.Shape)}");
        }

        var (n, c, area) = (x.Shape[0], x.Shape[1], x.Shape[2] * x.Shape[3]);
        var scale = Rescale is { } r and not 0 ? r : 1.0;
        Mean = new float[c];
        Std = new float[c];
        for (var ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                foreach (var v in x.Data.AsSpan((i * c + ch) * area, area))
                {
                    sum += v * scale;
                }
            }

            var mean = sum / (n * area);
            double squares = 0;
            for (var i = 0; i < n; i++)
            {
                foreach (var v in x.Data.AsSpan((i * c + ch) * area, area))
                {
                    var d = v * scale - mean;
                    squares += d * d;
                }
            }

            Mean[ch] = (float)mean;
            Std[ch] = (float)Math.Sqrt(squares / (n * area));
        }

        if (ZcaWhitening)
        {
            var centred = new float[x.Data.Length];
            for (var i = 0; i < centred.Length; i++)
            {
                centred[i] = (float)(x.Data[i] * scale) - Mean[i / area % c];
            }

            WhiteningMatrix = Zca.WhiteningMatrix(centred, n, c * area, ZcaEpsilon);
        }
    }

    /// <summary>Keras's standardize, in its order, on one image (channels, height, width), in place.</summary>
    /// <exception cref="InvalidOperationException">A feature-wise option is on but <see cref="Fit"/> was not called.</exception>
    public void Standardize(Span<float> image, int[] shape)
    {
        var (c, area) = (shape[0], shape[1] * shape[2]);
        PreprocessingFunction?.Invoke(image, shape);
        if (Rescale is { } r and not 0)
        {
            var scale = (float)r;
            for (var i = 0; i < image.Length; i++)
            {
                image[i] *= scale;
            }
        }

        if (CentresSamples)
        {
            double sum = 0;
            foreach (var v in image)
            {
                sum += v;
            }

            var mean = (float)(sum / image.Length);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] -= mean;
            }
        }

        if (SamplewiseStdNormalization)
        {
            double sum = 0, squares = 0;
            foreach (var v in image)
            {
                sum += v;
            }

            var mean = sum / image.Length;
            foreach (var v in image)
            {
                squares += (v - mean) * (v - mean);
            }

            var divisor = (float)(Math.Sqrt(squares / image.Length) + 1e-6);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] /= divisor;
            }
        }

        if (CentresFeatures)
        {
            if (Mean is null || Std is null || (ZcaWhitening && WhiteningMatrix is null))
            {
                throw new InvalidOperationException("featurewise_center, featurewise_std_normalization and zca_whitening need statistics: call Fit on the training images first");
            }

            for (var ch = 0; ch < c; ch++)
            {
                var plane = image.Slice(ch * area, area);
                for (var i = 0; i < plane.Length; i++)
                {
                    plane[i] -= Mean[ch];
                }

                if (NormalizesFeatures)
                {
                    var divisor = Std[ch] + 1e-6f;
                    for (var i = 0; i < plane.Length; i++)
                    {
                        plane[i] /= divisor;
                    }
                }
            }

            if (ZcaWhitening)
            {
                Whiten(image, WhiteningMatrix!);
            }
        }
    }

    /// <summary>x ← W x (W is symmetric, so this is also Keras's x W).</summary>
    private static void Whiten(Span<float> image, float[] whitening)
    {
        var d = image.Length;
        if (whitening.Length != d * d)
        {
            throw new ArgumentException($"the ZCA matrix was fitted on images of {(int)Math.Sqrt(whitening.Length)} values, this one has {d}");
        }

        var source = System.Buffers.ArrayPool<float>.Shared.Rent(d);
        try
        {
            image.CopyTo(source);
            var input = source.AsSpan(0, d);
            for (var i = 0; i < d; i++)
            {
                image[i] = Simd.Dot<float>(whitening.AsSpan(i * d, d), input);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(source);
        }
    }

    /// <summary>The settings that are really applied, with Keras's names, as JSON for the tracker (defaults left out).</summary>
    public string ToJson()
    {
        var settings = new Dictionary<string, object>();
        void Add(string name, object value, bool applied)
        {
            if (applied)
            {
                settings[name] = value;
            }
        }

        Add("featurewise_center", true, CentresFeatures);
        Add("samplewise_center", true, CentresSamples);
        Add("featurewise_std_normalization", true, NormalizesFeatures);
        Add("samplewise_std_normalization", true, SamplewiseStdNormalization);
        Add("zca_whitening", true, ZcaWhitening);
        Add("zca_epsilon", ZcaEpsilon, ZcaWhitening);
        Add("rotation_range", RotationRange, RotationRange != 0);
        Add("width_shift_range", WidthShiftRange, WidthShiftRange != 0);
        Add("height_shift_range", HeightShiftRange, HeightShiftRange != 0);
        Add("brightness_range", BrightnessRange is { } b ? new[] { b.Low, b.High } : Array.Empty<double>(), BrightnessRange is not null);
        Add("shear_range", ShearRange, ShearRange != 0);
        Add("zoom_range", ZoomRange, ZoomRange != 0);
        Add("channel_shift_range", ChannelShiftRange, ChannelShiftRange != 0);
        Add("fill_mode", FillMode.ToString().ToLowerInvariant(), Transforms);
        Add("cval", Cval, Transforms && FillMode == FillMode.Constant);
        Add("horizontal_flip", true, HorizontalFlip);
        Add("vertical_flip", true, VerticalFlip);
        Add("rescale", Rescale ?? 0, Rescale is not null and not 0);
        Add("preprocessing_function", "custom", PreprocessingFunction is not null);
        Add("validation_split", ValidationSplit, ValidationSplit != 0);
        return JsonSerializer.Serialize(settings);
    }
}
