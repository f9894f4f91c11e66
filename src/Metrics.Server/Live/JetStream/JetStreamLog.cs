using Metrics.Domain.Operations;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Metrics.Server.Live.JetStream;

/// <summary>An entry of the shared log: an event (with whether it was late, and when it was logged) or a tick of the clock.</summary>
internal abstract record LogEntry(long Position, DateTimeOffset At);

/// <param name="EndsBatch">The last event of the batch it was appended with: the figures are due once it is applied.</param>
internal sealed record LoggedEvent(long Position, DateTimeOffset At, OperationalEvent Event, bool Late, bool EndsBatch = false) : LogEntry(Position, At);

internal sealed record LoggedTick(long Position, DateTimeOffset At) : LogEntry(Position, At);

/// <summary>
/// The connection to the JetStream cluster and the stream the replicas share: what is written
/// to it and how an entry is read back. An event is one message, identified to JetStream by its
/// source and id (Nats-Msg-Id), so that the same event sent to two replicas is one entry.
/// </summary>
internal sealed class JetStreamLog(IOptions<JetStreamOptions> options, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly JetStreamOptions _options = options.Value;
    private readonly ILogger _logger = loggers.CreateLogger<JetStreamLog>();
    private readonly Lazy<NatsConnection> _connection = new(() => new NatsConnection(new NatsOpts
    {
        Url = options.Value.Servers,
        Name = $"metrics-server {options.Value.ReplicaName}",
        LoggerFactory = loggers,
        RequestTimeout = options.Value.AppendTimeout,
        // A replica keeps trying: the cluster may be restarting under it.
        MaxReconnectRetry = -1,
    }));

    private NatsJSContext? _context;

    public JetStreamOptions Options => _options;

    public string Name => _options.Stream;

    public NatsConnection Connection => _connection.Value;

    public NatsJSContext Context => _context ??= new NatsJSContext(Connection);

    /// <summary>Does a call to the cluster again, a second later, until it is answered (a replica starting while the cluster elects a leader waits for it).</summary>
    public async Task<T> UntilAnsweredAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (NatsException e) when (!cancellationToken.IsCancellationRequested)
            {
                JetStreamLogMessages.WaitingForLog(_logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>Creates the stream, or brings its settings to these (replicas aside, which JetStream will not change in place).</summary>
    public async Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        await Context.CreateOrUpdateStreamAsync(
            new StreamConfig(_options.Stream, [_options.EventSubject, _options.TickSubject])
            {
                NumReplicas = _options.Replicas,
                Storage = StreamConfigStorage.File,
                MaxAge = _options.Retention,
                DuplicateWindow = _options.DuplicateWindow,
                AllowDirect = true,
            },
            cancellationToken);
    }

    /// <summary>The position of the log's last entry (0: none).</summary>
    public async Task<long> LastPositionAsync(CancellationToken cancellationToken)
    {
        var stream = await Context.GetStreamAsync(_options.Stream, cancellationToken: cancellationToken);
        return (long)stream.Info.State.LastSeq;
    }

    /// <summary>Starts appending an event; the caller awaits the acknowledgements after starting all of a batch's, so they keep their order.</summary>
    public ValueTask<NatsJSPublishConcurrentFuture> StartAppendAsync(OperationalEvent e, bool late, DateTimeOffset loggedAt, bool endsBatch, CancellationToken cancellationToken) =>
        Context.PublishConcurrentAsync(
            _options.EventSubject,
            EventRepository.EncodeRow(e, late, loggedAt),
            opts: new NatsJSPubOpts { MsgId = MessageId(e) },
            headers: endsBatch ? new NatsHeaders { [EndsBatchHeader] = "1" } : null,
            cancellationToken: cancellationToken);

    private const string EndsBatchHeader = "Metrics-Ends-Batch";

    /// <summary>Appends a tick of the clock; every replica appends each instant's, and the log keeps the first.</summary>
    public async Task AppendTickAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var ms = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Context.PublishAsync(_options.TickSubject, System.Text.Encoding.ASCII.GetBytes(ms), opts: new NatsJSPubOpts { MsgId = $"tick:{ms}" }, cancellationToken: cancellationToken);
    }

    /// <summary>The entry at a position.</summary>
    public async Task<LogEntry> ReadAsync(long position, CancellationToken cancellationToken)
    {
        var stream = await Context.GetStreamAsync(_options.Stream, cancellationToken: cancellationToken);
        var stored = await stream.GetAsync(new StreamMsgGetRequest { Seq = (ulong)position }, cancellationToken);
        return Entry(position, stored.Message.Subject, stored.Message.Data.Span, endsBatch: false);
    }

    /// <summary>An entry from a message of the stream.</summary>
    public LogEntry Entry(long position, string subject, ReadOnlySpan<byte> data, bool endsBatch)
    {
        if (subject == _options.TickSubject)
        {
            var ms = long.Parse(data, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
            return new LoggedTick(position, DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }

        var (e, late, loggedAt) = EventRepository.DecodeRow(data);
        return new LoggedEvent(position, loggedAt, e, late, endsBatch);
    }

    /// <summary>
    /// The log from a position on, in order, each entry once, for as long as the caller reads: an
    /// ordered consumer re-reads across a lost connection itself, and when it gives up (its node
    /// gone, the stream's leader being elected) another is made from the entry after the last
    /// read, a moment later.
    /// </summary>
    public async IAsyncEnumerable<LogEntry> ReadFromAsync(long position, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = Math.Max(1, position);
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var entries = ReadOnceFromAsync(next, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                LogEntry entry;
                try
                {
                    if (!await entries.MoveNextAsync())
                    {
                        break;
                    }

                    entry = entries.Current;
                }
                catch (NatsException e)
                {
                    ReadingInterrupted(next, e.Message);
                    break;
                }

                next = entry.Position + 1;
                yield return entry;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private async IAsyncEnumerable<LogEntry> ReadOnceFromAsync(long position, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var consumer = await Context.CreateOrderedConsumerAsync(
            _options.Stream,
            new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence, OptStartSeq = (ulong)position },
            cancellationToken);
        // Short pulls with a heartbeat each second: a consumer whose node died is noticed within
        // seconds and made again on another, not after the client's default half minute.
        await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 1000, Expires = TimeSpan.FromSeconds(5), IdleHeartbeat = TimeSpan.FromSeconds(1) }, cancellationToken: cancellationToken))
        {
            var at = (long)(message.Metadata?.Sequence.Stream ?? 0);
            yield return Entry(at, message.Subject, message.Data, message.Headers?.ContainsKey(EndsBatchHeader) == true);
        }
    }

    private void ReadingInterrupted(long next, string reason) => JetStreamLogMessages.ReadingInterrupted(_logger, next, reason);

    /// <summary>JetStream's id for an event: its source and its id, the source's length first so that no two pairs read the same.</summary>
    public static string MessageId(OperationalEvent e) =>
        $"{e.Source.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{e.Source}{e.EventId}";

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await _connection.Value.DisposeAsync();
        }
    }
}

internal static partial class JetStreamLogMessages
{
    [LoggerMessage(EventId = 137, Level = LogLevel.Warning, Message = "Reading the event log stopped before position {Next} ({Reason}); reading again from there")]
    public static partial void ReadingInterrupted(ILogger logger, long next, string reason);

    [LoggerMessage(EventId = 138, Level = LogLevel.Warning, Message = "The event log did not answer ({Reason}); this replica waits for it before it serves")]
    public static partial void WaitingForLog(ILogger logger, string reason);
}
