using System.Buffers.Text;
using System.Text;

namespace Metrics.Server.Grpc;

/// <summary>
/// Tokens a client hands back as they came (a resume token, a page token): base64url of their
/// parts joined by '.', so what they hold can change without a new field. Only this service's
/// own tokens decode; anything else is null for the caller to refuse, naming its field.
/// </summary>
internal static class OpaqueTokens
{
    private const int MaxLength = 200;

    public static string Encode(params string[] parts) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Join('.', parts)));

    /// <summary>The token's parts; null when it is not one this service gave out.</summary>
    public static string[]? Decode(string token) =>
        token.Length <= MaxLength && Base64Url.IsValid(token) ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)).Split('.') : null;
}
