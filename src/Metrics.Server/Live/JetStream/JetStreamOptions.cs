namespace Metrics.Server.Live.JetStream;

/// <summary>The shared event log on NATS JetStream (configuration section "Live:JetStream"), used when Live:Log is JetStream.</summary>
public sealed class JetStreamOptions
{
    public const string SectionName = "Live:JetStream";

    /// <summary>The NATS servers, comma-separated (any one is enough to join the cluster).</summary>
    public string Servers { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>The stream the operational events and clock ticks are kept in; its subjects start with its name in lower case.</summary>
    public string Stream { get; set; } = "METRICS_LIVE";

    /// <summary>Copies of the stream the cluster keeps: an event is acknowledged once a majority of them hold it.</summary>
    public int Replicas { get; set; } = 3;

    /// <summary>How long the log keeps entries: longer than the history writer can be down (it resumes where it stopped).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The log refuses an event id it took within this (across replicas); the store refuses it after.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The clock's tick, as every replica applies it from the log.</summary>
    public TimeSpan TickEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the history writer's turn lasts without being renewed (it renews every third of it).</summary>
    public TimeSpan WriterLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an append waits for the log's acknowledgement before it is refused UNAVAILABLE.</summary>
    public TimeSpan AppendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This replica's name, in logs and the writer lease; empty: the machine's name and the process id.</summary>
    public string Replica { get; set; } = "";

    public string ReplicaName => Replica.Length > 0 ? Replica : $"{Environment.MachineName}-{Environment.ProcessId}";

    public string EventSubject => $"{Stream.ToLowerInvariant()}.event";

    public string TickSubject => $"{Stream.ToLowerInvariant()}.tick";

    public string WriterBucket => $"{Stream}_WRITER";
}
