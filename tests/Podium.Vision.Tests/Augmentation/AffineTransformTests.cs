using System.Globalization;
using System.Text.Json;
using Podium.Tests;
using Podium.Vision.Augmentation;
using Xunit;

namespace Podium.Vision.Tests.Augmentation;

/// <summary>
/// The geometric transforms: small cases worked by hand, and larger ones against scipy.ndimage.affine_transform
/// (what Keras calls), with the matrix built in Python from the documented geometry, and from Keras's own
/// formula on square images.
/// </summary>
public sealed class AffineTransformTests
{
    private static float[] Apply(float[] image, int h, int w, TransformParameters p, FillMode mode = FillMode.Nearest, double cval = 0)
    {
        var output = new float[image.Length];
        new ImageDataGenerator { FillMode = mode, Cval = cval }.ApplyTransform(image, output, [1, h, w], p);
        return output;
    }

    [Fact]
    public void A_90_degree_rotation_turns_the_image_counter_clockwise_as_keras_does()
    {
        float[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9];

        var rotated = Apply(image, 3, 3, new TransformParameters(Theta: 90));

        Assert.Equal([3f, 6f, 9f, 2f, 5f, 8f, 1f, 4f, 7f], rotated.Select(v => MathF.Round(v, 5)));
    }

    [Theory]
    // A two-pixel shift of the row 1 2 3 4 (output column j reads input column j + 2), by fill mode:
    [InlineData(FillMode.Nearest, 2, new[] { 3f, 4f, 4f, 4f })]
    [InlineData(FillMode.Constant, 2, new[] { 3f, 4f, 0f, 0f })]
    [InlineData(FillMode.Reflect, 2, new[] { 3f, 4f, 4f, 3f })]
    // scipy's 'wrap' repeats with period n − 1: column 4 reads column 1 and column 5 reads column 2.
    [InlineData(FillMode.Wrap, 2, new[] { 3f, 4f, 2f, 3f })]
    [InlineData(FillMode.Nearest, -1, new[] { 1f, 1f, 2f, 3f })]
    [InlineData(FillMode.Constant, -1, new[] { 0f, 1f, 2f, 3f })]
    [InlineData(FillMode.Reflect, -1, new[] { 1f, 1f, 2f, 3f })]
    [InlineData(FillMode.Wrap, -1, new[] { 3f, 1f, 2f, 3f })]
    public void A_shift_fills_the_border_by_mode(FillMode mode, int shift, float[] expected) =>
        Assert.Equal(expected, Apply([1, 2, 3, 4], 1, 4, new TransformParameters(Ty: shift), mode));

    [Fact]
    public void Flips_channel_shift_and_brightness_worked_by_hand()
    {
        var generator = new ImageDataGenerator();
        float[] image = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];
        var output = new float[6];

        generator.ApplyTransform(image, output, [1, 2, 3], new TransformParameters(FlipHorizontal: true, FlipVertical: true));
        Assert.Equal([0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f], output);

        // Channel shift by 0.25 clips to the image's own range [0.1, 0.6].
        generator.ApplyTransform(image, output, [1, 2, 3], new TransformParameters(ChannelShift: 0.25));
        Assert.Equal([0.35f, 0.45f, 0.55f, 0.6f, 0.6f, 0.6f], output.Select(v => MathF.Round(v, 6)));

        // Brightness 2 on a [0, 1] image: doubled, clipped at 1.
        generator.ApplyTransform(image, output, [1, 2, 3], new TransformParameters(Brightness: 2));
        Assert.Equal([0.2f, 0.4f, 0.6f, 0.8f, 1f, 1f], output.Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void Random_transforms_are_fixed_by_seed_epoch_and_sample_and_stay_in_range()
    {
        var generator = new ImageDataGenerator { RotationRange = 30, WidthShiftRange = 0.1, HeightShiftRange = 3, ZoomRange = 0.2, HorizontalFlip = true };

        var first = generator.RandomTransform(20, 40, seed: 1, epoch: 2, sample: 5);
        var again = generator.RandomTransform(20, 40, seed: 1, epoch: 2, sample: 5);
        var many = Enumerable.Range(0, 500).Select(i => generator.RandomTransform(20, 40, 1, 1, i)).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, generator.RandomTransform(20, 40, 1, 3, 5));
        Assert.All(many, p =>
        {
            Assert.InRange(p.Theta, -30, 30);
            Assert.InRange(p.Ty, -4, 4);                           // 0.1 of a 40-pixel width
            Assert.Contains(p.Tx, new[] { -2.0, -1, 0, 1, 2 });    // whole pixels in [0, 3) with a sign
            Assert.InRange(p.Zx, 0.8, 1.2);
        });
        Assert.InRange(many.Count(p => p.FlipHorizontal), 200, 300);
        Assert.DoesNotContain(many, p => p.FlipVertical);
    }

    private static readonly string OracleScript = """
        import json, sys, numpy as np, scipy.ndimage as nd

        def documented(p, h, w):
            # rotation · shift · shear · zoom about the centre, in (row, col) coordinates.
            t, s = np.deg2rad(p['theta']), np.deg2rad(p['shear'])
            m = np.array([[np.cos(t), np.sin(t), 0], [-np.sin(t), np.cos(t), 0], [0, 0, 1]])
            m = m @ np.array([[1, 0, p['tx']], [0, 1, p['ty']], [0, 0, 1]])
            m = m @ np.array([[np.cos(s), 0, 0], [-np.sin(s), 1, 0], [0, 0, 1]])
            m = m @ np.array([[p['zx'], 0, 0], [0, p['zy'], 0], [0, 0, 1]])
            o = np.array([[1, 0, h / 2 - 0.5], [0, 1, w / 2 - 0.5], [0, 0, 1]])
            r = np.array([[1, 0, -(h / 2 - 0.5)], [0, 1, -(w / 2 - 0.5)], [0, 0, 1]])
            return o @ m @ r

        def keras(p, h, w):
            # Keras's apply_affine_transform: built in (x, y), centred with (h, w), then axes swapped.
            t, s = np.deg2rad(p['theta']), np.deg2rad(p['shear'])
            m = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
            m = m @ np.array([[1, 0, p['tx']], [0, 1, p['ty']], [0, 0, 1]])
            m = m @ np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
            m = m @ np.array([[p['zx'], 0, 0], [0, p['zy'], 0], [0, 0, 1]])
            ox, oy = h / 2 - 0.5, w / 2 - 0.5
            m = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]]) @ m @ np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
            m[:, [0, 1]] = m[:, [1, 0]]
            m[[0, 1]] = m[[1, 0]]
            return m

        out = []
        for case in json.load(sys.stdin):
            x = np.array(case['image'], dtype=np.float64).reshape(case['h'], case['w'])
            m = (keras if case['keras'] else documented)(case['p'], case['h'], case['w'])
            y = nd.affine_transform(x, m[:2, :2], m[:2, 2], order=1, mode=case['mode'], cval=case['cval'])
            out.append(y.ravel().tolist())
        print(json.dumps(out))
        """;

    private static List<double[]> Oracle(IEnumerable<object> cases) =>
        JsonSerializer.Deserialize<List<double[]>>(PythonOracle.Run(OracleScript, JsonSerializer.Serialize(cases)))!;

    private static readonly TransformParameters[] Cases =
    [
        new(Theta: 33),
        new(Tx: 1.5, Ty: -2.25),
        new(Shear: 12),
        new(Zx: 0.8, Zy: 1.3),
        new(Theta: -71, Tx: 0.7, Ty: 1.1, Shear: -8, Zx: 1.15, Zy: 0.9),
    ];

    [Theory]
    [InlineData(FillMode.Nearest)]
    [InlineData(FillMode.Constant)]
    [InlineData(FillMode.Reflect)]
    [InlineData(FillMode.Wrap)]
    public void Matches_scipy_for_every_transform_and_fill_mode_on_a_non_square_image(FillMode mode)
    {
        const int H = 5, W = 7;
        var image = Enumerable.Range(0, H * W).Select(i => (float)((i * 37 % 23) / 23.0)).ToArray();

        var expected = Oracle(Cases.Select(p => (object)new
        {
            image, h = H, w = W, keras = false, mode = mode.ToString().ToLowerInvariant(), cval = 0.25,
            p = new { theta = p.Theta, tx = p.Tx, ty = p.Ty, shear = p.Shear, zx = p.Zx, zy = p.Zy },
        }));

        for (var c = 0; c < Cases.Length; c++)
        {
            var actual = Apply(image, H, W, Cases[c], mode, 0.25);
            for (var i = 0; i < actual.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[c][i]) < 1e-5, $"case {c}, {mode}, pixel {i}: {actual[i]} vs scipy {expected[c][i].ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    [Fact]
    public void On_square_images_equals_keras_formula_with_its_axes_exchanged()
    {
        const int N = 6;
        var image = Enumerable.Range(0, N * N).Select(i => (float)((i * 13 % 17) / 17.0)).ToArray();

        // Keras's tx/zx act on columns after its swap; Podium's on rows.
        var expected = Oracle(Cases.Select(p => (object)new
        {
            image, h = N, w = N, keras = true, mode = "nearest", cval = 0.0,
            p = new { theta = p.Theta, tx = p.Ty, ty = p.Tx, shear = p.Shear, zx = p.Zy, zy = p.Zx },
        }));

        for (var c = 0; c < Cases.Length; c++)
        {
            var actual = Apply(image, N, N, Cases[c]);
            for (var i = 0; i < actual.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[c][i]) < 1e-5, $"case {c}, pixel {i}: {actual[i]} vs keras {expected[c][i].ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}
