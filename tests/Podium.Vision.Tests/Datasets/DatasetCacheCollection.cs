using Xunit;

namespace Podium.Vision.Tests.Datasets;

/// <summary>
/// Test classes that point PODIUM_CACHE_DIR, a variable of the whole process, at a folder of their own: they run one
/// after another, never side by side, so none writes into another's cache.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DatasetCacheCollection
{
    public const string Name = "dataset cache (PODIUM_CACHE_DIR)";
}
