namespace Podium.Tracking.Query;

/// <summary>Near misses: the word a user probably meant.</summary>
public static class Spelling
{
    /// <summary>
    /// The candidate closest to <paramref name="word"/> by edit distance, if it is close enough to be a typo (at most one
    /// edit in three characters, at least one); null when none is.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Word: c, Distance: Distance(word, c)))
            .Where(c => c.Distance <= Math.Max(1, Math.Max(word.Length, c.Word.Length) / 3))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Word, StringComparer.Ordinal)
            .Select(c => c.Word)
            .FirstOrDefault();

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
