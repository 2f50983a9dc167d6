using Podium.Nn;

namespace Podium.Vision.Datasets;

/// <summary>
/// A built-in, seeded dataset of small RGB images, each one filled shape on a plain background: the
/// class is the shape; position, size, rotation, both colours and pixel noise vary. Needs no files,
/// so the demo and the tests always have data.
/// </summary>
public static class SyntheticShapes
{
    /// <summary>The shapes, in label order.</summary>
    public static IReadOnlyList<string> AllClasses { get; } = ["circle", "square", "triangle", "cross", "ring", "diamond"];

    /// <summary>Generates <paramref name="count"/> images of <paramref name="classes"/> shapes (2–6), classes in turn.</summary>
    public static ImageDataset Generate(int count, int size = 32, int classes = 5, long seed = 0, double noise = 0.05, int channels = 3)
    {
        if (classes is < 2 or > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "synthetic shapes has 2 to 6 classes");
        }

        if (size < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "images must be at least 8 pixels wide");
        }

        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 or 3");
        }

        var images = new Tensor(count, channels, size, size);
        var labels = new int[count];
        // Each image draws from its own stream, so image i is the same whatever the count.
        Engine.For(count, i =>
        {
            var rng = Rng.For(seed, (ulong)i);
            labels[i] = i % classes;
            Draw(images.Data.AsSpan(i * channels * size * size, channels * size * size), labels[i], size, channels, rng, (float)noise);
        });
        return new ImageDataset($"shapes-{classes}", images, labels, AllClasses.Take(classes).ToArray(),
            $"synthetic shapes: {count} images, {size}x{size}, {classes} classes, seed {seed}, noise {noise}");
    }

    private static void Draw(Span<float> image, int shape, int size, int channels, Rng rng, float noise)
    {
        Span<float> background = stackalloc float[3];
        Span<float> foreground = stackalloc float[3];
        for (var c = 0; c < 3; c++)
        {
            background[c] = rng.NextFloat() * 0.35f;
            foreground[c] = 0.55f + rng.NextFloat() * 0.45f;
        }

        var radius = size * (0.25f + rng.NextFloat() * 0.15f);
        var cx = radius + rng.NextFloat() * (size - 2 * radius);
        var cy = radius + rng.NextFloat() * (size - 2 * radius);
        var angle = rng.NextFloat() * MathF.PI * 2;
        var (sin, cos) = MathF.SinCos(angle);
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                // Pixel centre in the shape's frame, in units of its radius.
                var dx = (x + 0.5f - cx) / radius;
                var dy = (y + 0.5f - cy) / radius;
                var u = dx * cos + dy * sin;
                var v = -dx * sin + dy * cos;
                var inside = Inside(shape, u, v);
                for (var c = 0; c < channels; c++)
                {
                    var colour = channels == 1 ? (inside ? foreground[0] : background[0]) : inside ? foreground[c] : background[c];
                    var value = colour + (noise > 0 ? (rng.NextFloat() * 2 - 1) * noise : 0);
                    image[c * plane + y * size + x] = Math.Clamp(value, 0f, 1f);
                }
            }
        }
    }

    /// <summary>Whether (u, v), in the shape's frame with radius 1, lies inside the shape.</summary>
    internal static bool Inside(int shape, float u, float v) => shape switch
    {
        0 => u * u + v * v <= 1f,
        1 => MathF.Abs(u) <= 0.8f && MathF.Abs(v) <= 0.8f,
        // An equilateral triangle inscribed in the unit circle, apex up: vertices (0, −1) and (±√3/2, 0.5).
        2 => v <= 0.5f && 1.7320508f * MathF.Abs(u) <= v + 1f,
        3 => (MathF.Abs(u) <= 0.3f && MathF.Abs(v) <= 1f) || (MathF.Abs(v) <= 0.3f && MathF.Abs(u) <= 1f),
        4 => u * u + v * v <= 1f && u * u + v * v >= 0.4f,
        _ => MathF.Abs(u) + MathF.Abs(v) <= 1f,
    };
}
