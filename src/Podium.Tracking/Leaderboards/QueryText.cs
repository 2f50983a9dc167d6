namespace Podium.Tracking.Leaderboards;

/// <summary>Small text operations on query strings.</summary>
internal static class QueryText
{
    /// <summary>The filter part of a query, without a trailing ORDER BY, LIMIT or OFFSET (outside quotes).</summary>
    public static string FilterOnly(string query)
    {
        var quote = '\0';
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            if (c is '\'' or '"' or '`')
            {
                quote = c;
            }
            else if ((i == 0 || char.IsWhiteSpace(query[i - 1])) && (StartsWord(query, i, "ORDER") || StartsWord(query, i, "LIMIT") || StartsWord(query, i, "OFFSET")))
            {
                return query[..i].Trim();
            }
        }

        return query.Trim();
    }

    private static bool StartsWord(string text, int at, string word) =>
        string.Compare(text, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
        && (at + word.Length == text.Length || char.IsWhiteSpace(text[at + word.Length]));
}
