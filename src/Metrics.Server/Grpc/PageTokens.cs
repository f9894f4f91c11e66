using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Metrics.Domain.Requests;

namespace Metrics.Server.Grpc;

/// <summary>
/// A list's pages (AIP-158): the page size asked, and the next_page_token, where the next page
/// starts (the last id or key of this page), as "{list}.{id}" (<see cref="OpaqueTokens"/>). A
/// token from another list, or not one this service gave out, is refused naming the field.
/// </summary>
internal static class PageTokens
{
    /// <summary>The page size to use: <paramref name="defaultSize"/> for 0, at most <paramref name="most"/>; a negative size is refused.</summary>
    public static int Size(int requested, int defaultSize, int most) =>
        requested < 0
            ? throw new InvalidFieldException("page_size", $"is {requested}; give 0 (for {defaultSize}) or more")
            : requested == 0 ? defaultSize : Math.Min(requested, most);

    public static string Encode(string list, long lastId) => OpaqueTokens.Encode(list, lastId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The last id of the page before; null for the first page.</summary>
    public static long? Decode(string list, string token) =>
        token.Length == 0 ? null
        : OpaqueTokens.Decode(token) is [var name, var id] && name == list && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            ? last
            : throw Refused(list);

    /// <summary>
    /// A page of a list kept in a stable order (the catalogue's): the items after the key the
    /// token names that <paramref name="listed"/> lets through. An item added while paging comes
    /// on a later page when its place is after the key; none is listed twice.
    /// </summary>
    public static (IReadOnlyList<T> Page, string NextPageToken) Keyed<T>(
        IReadOnlyList<T> ordered, Func<T, string> key, Func<T, bool> listed, int pageSize, string token, string list)
    {
        var start = 0;
        if (token.Length > 0)
        {
            var last = OpaqueTokens.Decode(token) is [var name, var encoded] && name == list && Base64Url.IsValid(encoded)
                ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded))
                : throw Refused(list);
            var index = ordered.Select(key).ToList().IndexOf(last);
            start = index >= 0 ? index + 1 : throw Refused(list);
        }

        var page = ordered.Skip(start).Where(listed).Take(pageSize + 1).ToList();
        return page.Count > pageSize
            ? (page[..pageSize], OpaqueTokens.Encode(list, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key(page[pageSize - 1])))))
            : (page, "");
    }

    private static InvalidFieldException Refused(string list) =>
        new("page_token", $"is not a page token of {list}: send the next_page_token of the page before, as it came");
}
