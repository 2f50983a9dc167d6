namespace Podium.Tracking;

/// <summary>
/// A run being recorded. Params are written at once (so a conflicting value fails at the call);
/// metric points and tags are buffered and written in batches. Disposing a run that was not
/// ended writes what is buffered and marks it failed.
/// </summary>
public sealed class Run : IDisposable
{
    private readonly ITrackingStore _store;
    private readonly TrackerOptions _options;
    private readonly object _gate = new();
    private readonly RunBatch _pending = new();
    private readonly Dictionary<string, long> _nextStep = new(StringComparer.Ordinal);
    private long _lastFlush;
    private bool _detached;

    internal Run(ITrackingStore store, RunInfo info, TrackerOptions options)
    {
        _store = store;
        _options = options;
        Info = info;
        _lastFlush = options.Clock.GetTimestamp();
    }

    /// <summary>The run's attributes as they were when it started.</summary>
    public RunInfo Info { get; }

    /// <summary>The run's id.</summary>
    public string Id => Info.Id;

    /// <summary>Whether <see cref="End"/> has been called.</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Logs one param; the same value again is fine, a different value throws <see cref="ParamConflictException"/>.</summary>
    public void LogParam(string key, ParamValue value) => LogParams([new(key, value)]);

    /// <summary>Logs params from CLR values: numbers, strings, bools, enums; anything else as JSON.</summary>
    public void LogParams(IReadOnlyDictionary<string, object> values) =>
        LogParams(values.Select(kv => new KeyValuePair<string, ParamValue>(kv.Key, ParamValue.From(kv.Value))).ToList());

    /// <summary>Logs params in one transaction: all are stored, or none when one conflicts.</summary>
    public void LogParams(IReadOnlyList<KeyValuePair<string, ParamValue>> values)
    {
        var batch = new RunBatch();
        batch.Params.AddRange(values);
        lock (_gate)
        {
            ThrowIfEnded();
            _store.LogBatch(Id, batch);
        }
    }

    /// <summary>Appends a point to a metric series; without a step, the series' next step (0, 1, 2, …).</summary>
    public void LogMetric(string key, double value, long? step = null, int? epoch = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_gate)
        {
            ThrowIfEnded();
            var at = step ?? _nextStep.GetValueOrDefault(key);
            _nextStep[key] = Math.Max(_nextStep.GetValueOrDefault(key), at + 1);
            _pending.Metrics.Add(new(key, new MetricPoint(at, value, _options.Clock.GetUtcNow(), epoch)));
            FlushIfDue();
        }
    }

    /// <summary>Appends one point to each of several metrics at the same step.</summary>
    public void LogMetrics(IReadOnlyDictionary<string, double> values, long? step = null, int? epoch = null)
    {
        foreach (var (key, value) in values)
        {
            LogMetric(key, value, step, epoch);
        }
    }

    /// <summary>Sets a tag; the last write wins.</summary>
    public void SetTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            ThrowIfEnded();
            _pending.Tags.Add(new(key, value));
            FlushIfDue();
        }
    }

    /// <summary>Records a dataset the run uses, with its role (train, validation, test) and the augmentation applied to it.</summary>
    public void LogDataset(DatasetRecord dataset, string role, string? augmentationsJson = null) =>
        _store.LogDataset(Id, dataset, role, augmentationsJson);

    /// <summary>Records the run's network.</summary>
    public void LogModel(ModelRecord model) => _store.LogModel(Id, model);

    /// <summary>Stores content as an artifact at a path relative to the run.</summary>
    public ArtifactInfo LogArtifact(string path, Stream content) => _store.LogArtifact(Id, path, content);

    /// <summary>Stores a file as an artifact; by default under its own file name.</summary>
    public ArtifactInfo LogArtifactFile(string file, string? path = null)
    {
        using var stream = File.OpenRead(file);
        return _store.LogArtifact(Id, path ?? Path.GetFileName(file), stream);
    }

    /// <summary>Writes every buffered point and tag now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    /// <summary>Writes what is buffered and sets the final status.</summary>
    public void End(RunStatus status = RunStatus.Finished)
    {
        if (status == RunStatus.Running)
        {
            throw new ArgumentException("a run cannot end as running", nameof(status));
        }

        lock (_gate)
        {
            ThrowIfEnded();
            FlushLocked();
            _store.EndRun(Id, status, _options.Clock.GetUtcNow());
            IsEnded = true;
        }
    }

    /// <summary>
    /// Writes what is buffered and lets the run go on without this object: disposing it then leaves the run running,
    /// for someone else to end (a sweep's run, which the worker that completes its last trial ends).
    /// </summary>
    public void Detach()
    {
        lock (_gate)
        {
            ThrowIfEnded();
            FlushLocked();
            _detached = true;
        }
    }

    /// <summary>Writes what is buffered; a run not yet ended (nor detached) is marked failed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (IsEnded || _detached)
            {
                return;
            }

            try
            {
                FlushLocked();
            }
            finally
            {
                _store.EndRun(Id, RunStatus.Failed, _options.Clock.GetUtcNow());
                IsEnded = true;
            }
        }
    }

    private void FlushIfDue()
    {
        if (_pending.Metrics.Count + _pending.Tags.Count >= _options.FlushPoints
            || _options.Clock.GetElapsedTime(_lastFlush) >= _options.FlushInterval)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (!_pending.IsEmpty)
        {
            _store.LogBatch(Id, _pending);
            _pending.Clear();
        }

        _lastFlush = _options.Clock.GetTimestamp();
    }

    private void ThrowIfEnded()
    {
        if (IsEnded)
        {
            throw new InvalidOperationException($"run {Id} has ended; start a new run to log more");
        }
    }
}
