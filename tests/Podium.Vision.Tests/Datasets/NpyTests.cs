using System.Diagnostics;
using Podium.Tests;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

/// <summary>The .npy reader against files written by NumPy itself.</summary>
public sealed class NpyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Runs a NumPy script with Debian's interpreter, where the test script installs python3-numpy.</summary>
    private void NumPy(string script)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { WorkingDirectory = _folder.Path, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        process.StandardInput.Write("import numpy as np\n" + script);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "numpy failed: " + error);
    }

    private string File(string name) => _folder.File(name);

    [Theory]
    [InlineData("np.uint8", "|u1")]
    [InlineData("np.int8", "|i1")]
    [InlineData("np.int16", "<i2")]
    [InlineData("np.uint32", "<u4")]
    [InlineData("np.int64", "<i8")]
    [InlineData("np.float16", "<f2")]
    [InlineData("np.float32", "<f4")]
    [InlineData("np.float64", "<f8")]
    [InlineData("'>i4'", ">i4")]
    [InlineData("'>f8'", ">f8")]
    [InlineData("np.bool_", "|b1")]
    public void Reads_what_numpy_writes_for_each_dtype(string dtype, string descr)
    {
        NumPy($"np.save('a.npy', (np.arange(24).reshape(2, 3, 4) % 7 - 2).astype({dtype}))\n");

        var array = Npy.Read(File("a.npy"));

        Assert.Equal([2, 3, 4], array.Shape);
        Assert.Equal(descr, array.Dtype);
        var expected = Enumerable.Range(0, 24).Select(i => (double)(i % 7 - 2)).ToArray();
        if (descr.Contains('u', StringComparison.Ordinal))
        {
            // Negative values wrap in unsigned types, as NumPy's astype does.
            expected = expected.Select(v => v < 0 ? (descr.EndsWith('1') ? 256 + v : 4294967296 + v) : v).ToArray();
        }
        else if (descr.EndsWith("b1", StringComparison.Ordinal))
        {
            expected = expected.Select(v => v != 0 ? 1.0 : 0.0).ToArray();
        }

        Assert.Equal(expected, array.Values);
    }

    [Fact]
    public void Reads_format_version_3_and_large_headers()
    {
        NumPy("np.lib.format.write_array(open('v3.npy', 'wb'), np.arange(5, dtype=np.float32), version=(3, 0))\n");

        Assert.Equal([0.0, 1, 2, 3, 4], Npy.Read(File("v3.npy")).Values);
    }

    [Fact]
    public void Reads_npz_archives_stored_and_compressed()
    {
        NumPy("np.savez('plain.npz', x=np.ones((2, 2), np.uint8), y=np.array([0, 1]))\nnp.savez_compressed('packed.npz', x=np.full((3,), 2.5, np.float32))\n");

        var plain = Npy.ReadArchive(File("plain.npz"));
        var packed = Npy.ReadArchive(File("packed.npz"));

        Assert.Equal([1.0, 1, 1, 1], plain["x"].Values);
        Assert.Equal([0.0, 1], plain["y"].Values);
        Assert.Equal([2.5, 2.5, 2.5], packed["x"].Values);
    }

    [Theory]
    [InlineData("np.save('f.npy', np.asfortranarray(np.ones((2, 3))))", "Fortran order")]
    [InlineData("np.save('f.npy', np.array([1, 'a', None], dtype=object), allow_pickle=True)", "object array")]
    [InlineData("np.save('f.npy', np.array(['cat', 'dog']))", "strings")]
    [InlineData("np.save('f.npy', np.zeros(2, dtype=[('a', 'i4'), ('b', 'f4')]))", "structured array")]
    [InlineData("np.save('f.npy', np.ones(2, np.complex64))", "dtype '<c8'")]
    [InlineData("np.save('f.npy', np.ones(100)); d = open('f.npy', 'rb').read(); open('f.npy', 'wb').write(d[:-8])", "truncated")]
    public void Refuses_what_it_cannot_read_correctly_naming_the_file(string script, string problem)
    {
        NumPy(script + "\n");

        var error = Assert.Throws<InvalidDataException>(() => Npy.Read(File("f.npy")));

        Assert.Contains(File("f.npy"), error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nhwc_images_become_nchw_with_uint8_scaled()
    {
        // Two 2×2 RGB images whose pixel values spell out their position, written by NumPy as NHWC.
        NumPy("x = np.arange(24, dtype=np.uint8).reshape(2, 2, 2, 3); np.save('x.npy', x); np.save('y.npy', np.array([1, 0]))\n");

        var data = Npy.LoadDataset("rgb", Npy.Read(File("x.npy")), Npy.Read(File("y.npy")), ["a", "b"]);

        Assert.Equal([2, 3, 2, 2], data.Images.Shape);
        // Image 0, channel 1 (green) holds NHWC values 1, 4, 7, 10.
        Assert.Equal(new[] { 1f, 4f, 7f, 10f }.Select(v => v / 255f), data.Images.Data.Skip(4).Take(4));
        Assert.Equal([1, 0], data.Labels);
    }

    [Fact]
    public void The_same_images_in_npy_and_idx_have_the_same_fingerprint()
    {
        NumPy(
            "import struct\n" +
            "x = (np.arange(2 * 3 * 4) * 10 % 256).astype(np.uint8).reshape(2, 3, 4); y = np.array([1, 0], np.uint8)\n" +
            "np.save('x.npy', x); np.save('y.npy', y)\n" +
            "open('x.idx', 'wb').write(struct.pack('>HBB', 0, 8, 3) + struct.pack('>III', 2, 3, 4) + x.tobytes())\n" +
            "open('y.idx', 'wb').write(struct.pack('>HBB', 0, 8, 1) + struct.pack('>I', 2) + y.tobytes())\n");

        var fromNpy = Npy.LoadDataset("npy", Npy.Read(File("x.npy")), Npy.Read(File("y.npy")), ["a", "b"]);
        var fromIdx = Idx.Load("idx", File("x.idx"), File("y.idx"), ["a", "b"]);

        Assert.Equal(fromIdx.Images.Data, fromNpy.Images.Data);
        Assert.Equal(fromIdx.Fingerprint(), fromNpy.Fingerprint());
    }
}
