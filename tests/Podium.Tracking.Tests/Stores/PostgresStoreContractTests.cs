namespace Podium.Tracking.Tests.Stores;

public sealed class PostgresStoreContractTests : StoreContractTests<PostgresStoreFactory>;
