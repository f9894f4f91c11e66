using System.Text;

namespace Metrics.Domain.Catalogue;

/// <summary>Area codes are lower-kebab-case names: "Telford & Wrekin" is "telford-and-wrekin".</summary>
public static class AreaCodes
{
    public static string FromName(string name)
    {
        var text = name.Replace("&", " and ", StringComparison.Ordinal).ToLowerInvariant();
        var code = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                code.Append(c);
            }
            else if (code.Length > 0 && code[^1] != '-')
            {
                code.Append('-');
            }
        }

        return code.ToString().TrimEnd('-');
    }
}
