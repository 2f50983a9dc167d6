namespace Podium.Tracking;

/// <summary>A named group of runs.</summary>
/// <param name="Id">The store's id of the experiment.</param>
/// <param name="Name">The user's name for it, unique in a store.</param>
/// <param name="CreatedAt">When it was first used.</param>
public sealed record Experiment(long Id, string Name, DateTimeOffset CreatedAt);
