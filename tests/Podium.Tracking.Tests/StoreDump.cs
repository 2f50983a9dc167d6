using System.Text;
using Microsoft.Data.Sqlite;

namespace Podium.Tracking.Tests;

/// <summary>Every row of every table of a SQLite file as text, read with a separate connection, to show nothing changed.</summary>
public static class StoreDump
{
    /// <summary>The dump, leaving out columns with these names (a column a later migration added, say).</summary>
    public static string Of(string databasePath, params string[] skipColumns)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            text.Append("# ").AppendLine(table);
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1, 2;";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (skipColumns.Contains(reader.GetName(i)))
                    {
                        continue;
                    }

                    var value = reader.GetValue(i);
                    text.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\t');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }
}
