using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Metrics.Domain.Requests;

namespace Metrics.Server.Grpc;

/// <summary>
/// A list's next_page_token: where the next page starts (the last id of this page), opaque to
/// clients so what it holds can change; base64url of "{list}.{id}". A token from another list,
/// or not one this service gave out, is refused naming the field.
/// </summary>
internal static class PageTokens
{
    public static string Encode(string list, long lastId) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{list}.{lastId}")));

    /// <summary>The last id of the page before; null for the first page.</summary>
    public static long? Decode(string list, string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        var parts = token.Length <= 100 && Base64Url.IsValid(token) ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)).Split('.') : [];
        return parts is [var name, var id] && name == list && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            ? last
            : throw new InvalidFieldException("page_token", $"is not a page token of {list}: send the next_page_token of the page before, as it came");
    }
}
