using Podium.Tests;

namespace Podium.Tracking.Tests.Stores;

/// <summary>Makes a fresh, empty store of one kind for a contract test; a factory that is IDisposable is disposed after the store.</summary>
public interface IStoreFactory
{
    ITrackingStore Create(TempFolder folder);
}

public sealed class SqliteStoreFactory : IStoreFactory
{
    public ITrackingStore Create(TempFolder folder) => TrackingStores.Open(folder.File("store"));
}
