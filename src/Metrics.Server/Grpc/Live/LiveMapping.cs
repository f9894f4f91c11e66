using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Operations;
using Metrics.Live.Alerts;
using Metrics.Live.Subscriptions;
using Metrics.Live.Windows;
using Metrics.Server.Grpc.Ingest;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Live;

/// <summary>Between the live figures and metrics.v1.LiveService's messages (live.proto).</summary>
internal static class LiveMapping
{
    public static V1.SubscribeResponse ToContract(this LiveMessage message)
    {
        var response = new V1.SubscribeResponse
        {
            Sequence = message.Sequence,
            AsOf = Timestamp.FromDateTimeOffset(message.AsOf),
            Watermark = Timestamp.FromDateTimeOffset(message.Watermark),
            ResumeToken = ResumeTokens.Encode(message.Sequence, message.FilterFingerprint),
        };
        switch (message.Kind)
        {
            case LiveMessageKind.Snapshot:
                response.Snapshot = new V1.LiveSnapshot
                {
                    ResumeMissed = message.ResumeMissed != ResumeMiss.None,
                    ResumeMissedBecause = message.ResumeMissed switch
                    {
                        ResumeMiss.ChangesNotKept => V1.ResumeMiss.ChangesNotKept,
                        ResumeMiss.FilterChanged => V1.ResumeMiss.FilterChanged,
                        _ => V1.ResumeMiss.Unspecified,
                    },
                };
                response.Snapshot.Figures.Add(message.Figures.Select(ToContract));
                break;
            case LiveMessageKind.Update:
                response.Update = new V1.LiveUpdate { Conflated = message.Conflated, Resumed = message.Resumed };
                response.Update.Figures.Add(message.Figures.Select(ToContract));
                response.Update.RemovedKeys.Add(message.RemovedKeys);
                break;
            default:
                response.Heartbeat = new V1.Heartbeat();
                break;
        }

        return response;
    }

    public static V1.LiveFigure ToContract(this LiveFigure figure)
    {
        var message = new V1.LiveFigure { Key = figure.Key, Feed = (V1.LiveFeed)(int)figure.Feed };
        switch (figure.Value)
        {
            case CallsWaiting waiting:
                message.CallsWaiting = new V1.CallsWaitingFigure { Line = waiting.Line.ToContract(), Count = waiting.Count };
                break;
            case CallLineWindow window:
                message.CallWindow = ToContract(window);
                message.CallWindow.Correction = figure.Correction;
                break;
            case UnresourcedFigures unresourced:
                message.Unresourced = new V1.UnresourcedFigure
                {
                    AreaCode = unresourced.AreaCode,
                    Grade = (V1.IncidentGrade)(int)unresourced.Grade,
                    Count = unresourced.Count,
                    OldestAge = unresourced.OldestAge is { } age ? Duration.FromTimeSpan(age) : null,
                    Tolerance = unresourced.Tolerance ?? 0,
                };
                break;
            case AttendanceFigures attendance:
                message.Attendance = new V1.AttendanceFigure
                {
                    AreaCode = attendance.AreaCode,
                    Rolling24Hours = ToContract(attendance.Rolling24Hours),
                    Today = ToContract(attendance.Today),
                    TodayStarted = Timestamp.FromDateTimeOffset(attendance.TodayStarted),
                };
                break;
            case IntelligenceFigures intelligence:
                message.Intelligence = new V1.IntelligenceFigure
                {
                    Outstanding = intelligence.Outstanding,
                    SubmittedLastHour = intelligence.SubmittedLastHour,
                    ProcessedLastHour = intelligence.ProcessedLastHour,
                    SubmittedToday = intelligence.SubmittedToday,
                    ProcessedToday = intelligence.ProcessedToday,
                    Limit = intelligence.Limit ?? 0,
                    TodayStarted = Timestamp.FromDateTimeOffset(intelligence.TodayStarted),
                };
                break;
            case Alert alert:
                message.Alert = new V1.AlertFigure
                {
                    Kind = (V1.AlertKind)(int)alert.Kind,
                    Scope = alert.Scope switch
                    {
                        AlertScope.CallLine => V1.AlertScope.CallLine,
                        AlertScope.Area => V1.AlertScope.Area,
                        _ => V1.AlertScope.Force,
                    },
                    Line = alert.Line is { } line ? line.ToContract() : V1.CallLine.Unspecified,
                    AreaCode = alert.AreaCode,
                    Message = alert.Message,
                    Value = alert.Value,
                    Threshold = alert.Threshold,
                    Active = alert.Active,
                    RaisedAt = Timestamp.FromDateTimeOffset(alert.RaisedAt),
                    ClearedAt = alert.ClearedAt is { } cleared ? Timestamp.FromDateTimeOffset(cleared) : null,
                };
                break;
        }

        return message;
    }

    private static V1.CallWindowFigure ToContract(CallLineWindow figure)
    {
        var (window, counts) = (figure.Window, figure.Window.Counts);
        var message = new V1.CallWindowFigure
        {
            Line = figure.Line.ToContract(),
            Window = window.Kind switch
            {
                WindowKind.CurrentInterval => V1.CallWindowKind.CurrentInterval,
                WindowKind.PreviousInterval => V1.CallWindowKind.PreviousInterval,
                WindowKind.RollingHour => V1.CallWindowKind.RollingHour,
                _ => V1.CallWindowKind.Today,
            },
            Start = Timestamp.FromDateTimeOffset(window.Start),
            End = Timestamp.FromDateTimeOffset(window.End),
            Offered = counts.Offered,
            Answered = counts.Answered,
            Abandoned = counts.Abandoned,
            StandardPercent = window.StandardPercent,
            MinimumAnsweredToJudge = window.MinimumAnsweredToJudge,
            AverageWait = Duration.FromTimeSpan(TimeSpan.FromSeconds(counts.AverageWaitSeconds ?? 0)),
            LongestWait = Duration.FromTimeSpan(TimeSpan.FromSeconds(counts.LongestWaitSeconds)),
            Final = window.Final,
        };
        if (counts.AbandonRate is { } abandonRate)
        {
            message.AbandonedPercent = abandonRate;
        }

        if (counts.PercentAnsweredWithinThreshold is { } within)
        {
            message.AnsweredWithinThresholdPercent = within;
        }

        if (window.MeetsStandard is { } meets)
        {
            message.MeetsStandard = meets;
        }

        return message;
    }

    private static V1.AttendanceWindow ToContract(AttendanceCounts counts)
    {
        var message = new V1.AttendanceWindow
        {
            Attended = counts.Attended,
            AttendedWithinTarget = counts.AttendedWithinTarget,
            AverageTime = Duration.FromTimeSpan(TimeSpan.FromSeconds(counts.AverageSeconds ?? 0)),
        };
        if (counts.PercentWithinTarget is { } percent)
        {
            message.PercentWithinTarget = percent;
        }

        return message;
    }
}
