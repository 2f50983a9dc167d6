namespace Podium.Tracking.Tests.Stores;

public sealed class SqliteTrialQueueContractTests : TrialQueueContractTests<SqliteStoreFactory>;

public sealed class PostgresTrialQueueContractTests : TrialQueueContractTests<PostgresStoreFactory>;
