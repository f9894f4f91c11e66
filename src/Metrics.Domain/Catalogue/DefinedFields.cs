using Metrics.Domain.Requests;

namespace Metrics.Domain.Catalogue;

/// <summary>
/// Which fields of a definition change a measure or area that exists already (a field mask, as
/// AIP-134 has it): those named; every one ("*"); or, when none are named, those the definition
/// sets, so that a system built before a field existed never blanks it. A new measure or area
/// takes every field.
/// </summary>
public sealed class DefinedFields
{
    private readonly HashSet<string>? named;
    private readonly bool everything;

    private DefinedFields(HashSet<string>? named, bool everything) => (this.named, this.everything) = (named, everything);

    /// <summary>No mask: the fields the definition sets.</summary>
    public static DefinedFields ThoseSet { get; } = new(null, false);

    /// <summary>"*": every field, an empty one clearing what is stored.</summary>
    public static DefinedFields Every { get; } = new(null, true);

    /// <summary>
    /// The mask as sent: each path must be one of <paramref name="fields"/> (the message's own
    /// names), or "*" alone. <paramref name="maskField"/> names the mask in refusals.
    /// </summary>
    public static DefinedFields Of(IReadOnlyList<string> paths, IReadOnlyCollection<string> fields, string maskField)
    {
        if (paths.Count == 0)
        {
            return ThoseSet;
        }

        if (paths.Contains("*"))
        {
            return paths.Count == 1 ? Every : throw new InvalidFieldException($"{maskField}.paths", "\"*\" (every field) stands alone");
        }

        for (var i = 0; i < paths.Count; i++)
        {
            if (!fields.Contains(paths[i]))
            {
                throw new InvalidFieldException($"{maskField}.paths[{i}]", $"'{Quoted.Text(paths[i])}' is not a field a definition sets; the fields are {string.Join(", ", fields)}");
            }
        }

        return new DefinedFields([.. paths], false);
    }

    /// <summary>The field's value as it is to be stored: the definition's, or the stored one it leaves alone.</summary>
    public T Take<T>(string field, T given, T stored, bool givenIsSet) =>
        (everything || (named?.Contains(field) ?? givenIsSet)) ? given : stored;
}
