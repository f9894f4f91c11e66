using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Metrics.Domain.Requests;
using Metrics.Live.Subscriptions;

namespace Metrics.Server.Grpc.Live;

/// <summary>
/// The resume token a subscriber is given with each message: the position (the change's
/// sequence number, numbered per process) and the filter it was chosen by. Opaque to clients,
/// so what it holds can grow without a new field; base64url of "r1.{sequence}.{fingerprint}".
/// </summary>
internal static class ResumeTokens
{
    private const string Version = "r1";

    public static string Encode(long sequence, string filterFingerprint) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}.{sequence}.{filterFingerprint}")));

    /// <summary>The point a token names; null for none; a token this service did not give out is refused, naming the field.</summary>
    public static ResumePoint? Decode(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        var parts = token.Length <= 200 && Base64Url.IsValid(token)
            ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)).Split('.')
            : [];
        if (parts is [Version, var sequence, var fingerprint] && long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var at) && fingerprint.Length > 0)
        {
            return new ResumePoint(at, fingerprint);
        }

        throw new InvalidFieldException("resume_token", "is not a resume token this service gave out: send the resume_token of the last message received, as it came");
    }
}
