using System.Globalization;
using Metrics.Domain.Requests;
using Metrics.Live.Subscriptions;

namespace Metrics.Server.Grpc.Live;

/// <summary>
/// The resume token a subscriber is given with each message: the position (the change's
/// sequence number, numbered per process) and the filter it was chosen by, as
/// "r1.{sequence}.{fingerprint}" (<see cref="OpaqueTokens"/>).
/// </summary>
internal static class ResumeTokens
{
    private const string Version = "r1";

    public static string Encode(long sequence, string filterFingerprint) =>
        OpaqueTokens.Encode(Version, sequence.ToString(CultureInfo.InvariantCulture), filterFingerprint);

    /// <summary>The point a token names; null for none; a token this service did not give out is refused, naming the field.</summary>
    public static ResumePoint? Decode(string token) =>
        token.Length == 0 ? null
        : OpaqueTokens.Decode(token) is [Version, var sequence, var fingerprint] && long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var at) && fingerprint.Length > 0
            ? new ResumePoint(at, fingerprint)
            : throw new InvalidFieldException("resume_token", "is not a resume token this service gave out: send the resume_token of the last message received, as it came");
}
