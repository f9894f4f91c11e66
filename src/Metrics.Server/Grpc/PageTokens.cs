using System.Globalization;
using Metrics.Domain.Requests;

namespace Metrics.Server.Grpc;

/// <summary>
/// A list's next_page_token: where the next page starts (the last id of this page), as
/// "{list}.{id}" (<see cref="OpaqueTokens"/>). A token from another list, or not one this
/// service gave out, is refused naming the field.
/// </summary>
internal static class PageTokens
{
    public static string Encode(string list, long lastId) => OpaqueTokens.Encode(list, lastId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The last id of the page before; null for the first page.</summary>
    public static long? Decode(string list, string token) =>
        token.Length == 0 ? null
        : OpaqueTokens.Decode(token) is [var name, var id] && name == list && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            ? last
            : throw new InvalidFieldException("page_token", $"is not a page token of {list}: send the next_page_token of the page before, as it came");
}
