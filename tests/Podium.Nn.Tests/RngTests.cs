using Xunit;

namespace Podium.Nn.Tests;

public sealed class RngTests
{
    [Fact]
    public void Filling_a_span_gives_the_same_floats_as_one_call_each_and_leaves_the_same_state()
    {
        var (one, bulk) = (new Rng(42), new Rng(42));
        var expected = Enumerable.Range(0, 1000).Select(_ => one.NextFloat()).ToArray();
        var filled = new float[1000];

        bulk.NextFloats(filled);

        Assert.Equal(expected, filled);
        Assert.Equal(one.NextUInt64(), bulk.NextUInt64());
        Assert.All(filled, v => Assert.InRange(v, 0f, 0.99999994f));
    }
}
