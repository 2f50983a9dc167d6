using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podium.Tracking.Protocol;

/// <summary>
/// The HTTP protocol's JSON contract, generated at build time for the records both sides use: the remote store
/// (HttpStore) writes and reads with it, and <c>podium serve</c> binds and answers with it (see <see cref="TrackingJson"/>).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(CreateRunRequest))]
[JsonSerializable(typeof(LogBatchRequest))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(LogDatasetRequest))]
[JsonSerializable(typeof(EndRunRequest))]
[JsonSerializable(typeof(UpdateRunRequest))]
[JsonSerializable(typeof(ModelRecord))]
[JsonSerializable(typeof(RunInfo))]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(RunsResponse))]
[JsonSerializable(typeof(CountResponse))]
[JsonSerializable(typeof(MetricHistoryResponse))]
[JsonSerializable(typeof(ProblemResponse))]
[JsonSerializable(typeof(List<Experiment>))]
[JsonSerializable(typeof(List<ArtifactInfo>))]
[JsonSerializable(typeof(ArtifactInfo))]
[JsonSerializable(typeof(RunKeys))]
[JsonSerializable(typeof(EnqueueTrialsRequest))]
[JsonSerializable(typeof(ClaimTrialRequest))]
[JsonSerializable(typeof(TrialLeaseRequest))]
[JsonSerializable(typeof(QueueResponse))]
[JsonSerializable(typeof(TrialClaim))]
[JsonSerializable(typeof(List<TrialState>))]
internal sealed partial class ProtocolJson : JsonSerializerContext;
