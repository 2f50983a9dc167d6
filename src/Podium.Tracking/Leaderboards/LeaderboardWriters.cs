using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Podium.Tracking.Leaderboards;

/// <summary>Writes a leaderboard as CSV, JSON, Markdown or a self-contained HTML page.</summary>
internal static class LeaderboardWriters
{
    public static void Csv(LeaderboardTable table, TextWriter writer)
    {
        writer.Write(string.Join(',', table.Columns.Select(c => CsvField(c.Header))));
        writer.Write("\r\n");
        foreach (var row in table.Rows)
        {
            writer.Write(string.Join(',', row.Select(v => CsvField(LeaderboardFormat.Exact(v)))));
            writer.Write("\r\n");
        }
    }

    // RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes.
    private static string CsvField(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    public static void Json(LeaderboardTable table, TextWriter writer, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("query", table.Query);
            json.WriteNumber("matching", table.Matching);
            json.WriteNumber("offset", table.Offset);
            json.WriteStartArray("columns");
            foreach (var column in table.Columns)
            {
                json.WriteStringValue(column.Header);
            }

            json.WriteEndArray();

            // The query field each column sorts and filters by, so a client can page, sort and filter on the server.
            json.WriteStartObject("fields");
            foreach (var column in table.Columns)
            {
                json.WriteString(column.Header, column.Field);
            }

            json.WriteEndObject();
            json.WriteStartArray("rows");
            foreach (var row in table.Rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < row.Length; i++)
                {
                    json.WritePropertyName(table.Columns[i].Header);
                    switch (row[i])
                    {
                        case null:
                            json.WriteNullValue();
                            break;
                        // JSON has no NaN or Infinity: write them as the strings "NaN", "Infinity", "-Infinity".
                        case double d when !double.IsFinite(d):
                            json.WriteStringValue(ParamValue.FormatNumber(d));
                            break;
                        case double d:
                            json.WriteNumberValue(d);
                            break;
                        case long l:
                            json.WriteNumberValue(l);
                            break;
                        case PerClassValues p:
                            p.Write(json);
                            break;
                        case JsonElement e:
                            e.WriteTo(json);
                            break;
                        default:
                            json.WriteStringValue(LeaderboardFormat.Exact(row[i]));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.Write(Encoding.UTF8.GetString(stream.ToArray()));
        writer.Write('\n');
    }

    public static void Markdown(LeaderboardTable table, TextWriter writer)
    {
        writer.Write("| " + string.Join(" | ", table.Columns.Select(c => MarkdownCell(c.Header))) + " |\n");
        writer.Write("|" + string.Join("|", table.Columns.Select((_, i) => table.IsNumeric(i) ? "---:" : "---")) + "|\n");
        foreach (var row in table.Rows)
        {
            writer.Write("| " + string.Join(" | ", row.Select((v, i) => MarkdownCell(LeaderboardFormat.Display(v, table.Columns[i].Kind)))) + " |\n");
        }
    }

    // Escape what Markdown would read as markup or as raw HTML, so a run name shows as written.
    private static string MarkdownCell(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    public static void Html(LeaderboardTable table, TextWriter writer, string title)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Encode(title)).Append("</title>\n");
        h.Append("""
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2433; }
            h1 { font-size: 20px; margin: 0 0 4px; }
            p.query { color: #5b6475; margin: 0 0 12px; font-family: ui-monospace, monospace; }
            input { padding: 6px 8px; width: 320px; margin-bottom: 12px; }
            table { border-collapse: collapse; }
            th, td { padding: 4px 10px; border-bottom: 1px solid #e3e6ec; white-space: nowrap; }
            th { position: sticky; top: 0; background: #f4f6fa; cursor: pointer; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.long { white-space: normal; overflow-wrap: anywhere; min-width: 240px; max-width: 320px; font-size: 12px; }
            tr:hover td { background: #f9fafc; }
            </style>

            """);
        h.Append("</head>\n<body>\n<h1>").Append(Encode(title)).Append("</h1>\n");
        h.Append("<p class=\"query\">").Append(Encode(table.Query)).Append(" &middot; ")
            .Append(table.Rows.Count).Append(" of ").Append(table.Matching).Append(" runs</p>\n");
        h.Append("<input id=\"filter\" type=\"search\" placeholder=\"Filter rows\" aria-label=\"Filter rows\">\n");
        h.Append("<table id=\"board\">\n<thead><tr>");
        var numeric = table.Columns.Select((_, i) => table.IsNumeric(i)).ToArray();
        foreach (var (column, i) in table.Columns.Select((c, i) => (c, i)))
        {
            h.Append("<th data-kind=\"").Append(numeric[i] ? "num" : "text").Append("\">").Append(Encode(column.Header)).Append("</th>");
        }

        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            h.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                var kind = table.Columns[i].Kind;
                if (!numeric[i])
                {
                    // Long text (per-class values, augmentation settings) wraps instead of widening the table.
                    h.Append(LeaderboardFormat.Display(row[i], kind).Length > 40 ? "<td class=\"long\">" : "<td>");
                }
                else
                {
                    // The exact value rides along for sorting; the cell shows the rounded one.
                    h.Append("<td class=\"num\" data-value=\"").Append(Encode(LeaderboardFormat.Exact(row[i]))).Append("\">");
                }

                h.Append(Encode(LeaderboardFormat.Display(row[i], kind))).Append("</td>");
            }

            h.Append("</tr>\n");
        }

        h.Append("</tbody>\n</table>\n");
        h.Append("""
            <script>
            (function () {
              var table = document.getElementById('board');
              var body = table.tBodies[0];
              var headers = table.tHead.rows[0].cells;
              function key(cell, numeric) {
                if (!numeric) return cell.textContent;
                var v = parseFloat(cell.getAttribute('data-value'));
                return isFinite(v) ? v : null;
              }
              Array.prototype.forEach.call(headers, function (th, index) {
                th.addEventListener('click', function () {
                  var numeric = th.getAttribute('data-kind') === 'num';
                  var descending = th.getAttribute('aria-sort') !== 'descending';
                  Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
                  th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
                  var rows = Array.prototype.slice.call(body.rows);
                  rows.sort(function (a, b) {
                    var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
                    if (x === null || x === '') return (y === null || y === '') ? 0 : 1;
                    if (y === null || y === '') return -1;
                    var c = numeric ? x - y : String(x).localeCompare(String(y));
                    return descending ? -c : c;
                  });
                  rows.forEach(function (row) { body.appendChild(row); });
                });
              });
              document.getElementById('filter').addEventListener('input', function (e) {
                var needle = e.target.value.toLowerCase();
                Array.prototype.forEach.call(body.rows, function (row) {
                  row.style.display = row.textContent.toLowerCase().indexOf(needle) >= 0 ? '' : 'none';
                });
              });
            })();
            </script>
            </body>
            </html>

            """);
        writer.Write(h.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
