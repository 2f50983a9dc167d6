namespace Podium.Tracking.Tests.Stores;

public sealed class SqliteStoreContractTests : StoreContractTests<SqliteStoreFactory>;
