using System.Globalization;
using System.Text;

namespace Podium.Tracking;

/// <summary>User-provided text quoted in an error message, which must stay one readable line whatever the text holds.</summary>
public static class UserText
{
    /// <summary>
    /// <paramref name="text"/> with line breaks, other control characters, lone surrogates and invisible format characters
    /// written as escapes (\n, \t, \u2028), and cut to <paramref name="most"/> characters with an ellipsis.
    /// </summary>
    public static string OneLine(string text, int most = int.MaxValue)
    {
        var shown = new StringBuilder(Math.Min(text.Length, most) + 8);
        for (var i = 0; i < text.Length; i++)
        {
            if (shown.Length >= most)
            {
                return shown.Append('…').ToString();
            }

            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shown.Append(c).Append(text[++i]);
                continue;
            }

            _ = c switch
            {
                '\n' => shown.Append("\\n"),
                '\r' => shown.Append("\\r"),
                '\t' => shown.Append("\\t"),
                _ when char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format
                    => shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => shown.Append(c),
            };
        }

        return shown.ToString();
    }
}
