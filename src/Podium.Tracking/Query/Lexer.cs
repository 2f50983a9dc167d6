using System.Text;

namespace Podium.Tracking.Query;

/// <summary>Splits a query into tokens: identifiers, `quoted identifiers`, 'strings', numbers, operators.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c is '\'' or '"' or '`')
            {
                var value = ReadQuoted(text, ref i);
                var kind = c == '`' ? TokenKind.QuotedIdentifier : TokenKind.String;
                tokens.Add(new Token(kind, text[start..i], value, start + 1));
            }
            else if (char.IsDigit(c) || (c is '-' or '+' or '.' && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.') && StartsValue(tokens)))
            {
                i = ReadNumber(text, i);
                tokens.Add(new Token(TokenKind.Number, text[start..i], text[start..i], start + 1));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && IsIdentifierPart(text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i], text[start..i], start + 1));
            }
            else if (c is '=' or '<' or '>' or '!')
            {
                i++;
                if (i < text.Length && (text[i] == '=' || (c == '<' && text[i] == '>')))
                {
                    i++;
                }

                var op = text[start..i];
                if (op == "!")
                {
                    throw new QueryException("'!' must be followed by '=' (write != for 'not equal')", start + 1, op);
                }

                tokens.Add(new Token(TokenKind.Operator, op, op == "<>" ? "!=" : op == "==" ? "=" : op, start + 1));
            }
            else
            {
                i++;
                var kind = c switch
                {
                    '(' => TokenKind.LeftParen,
                    ')' => TokenKind.RightParen,
                    ',' => TokenKind.Comma,
                    '.' => TokenKind.Dot,
                    _ => throw new QueryException($"unexpected character '{c}'", start + 1, c.ToString()),
                };
                tokens.Add(new Token(kind, c.ToString(), c.ToString(), start + 1));
            }
        }

        tokens.Add(new Token(TokenKind.End, "", "", text.Length + 1));
        return tokens;
    }

    // Letters, digits and the characters metric keys commonly hold (precision/cat, val-loss).
    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '/' or '-' or ':';

    // A sign or a leading '.' starts a number only where a value may stand: after an operator,
    // '(' or ','; elsewhere a '.' separates the parts of a field.
    private static bool StartsValue(List<Token> tokens) =>
        tokens.Count == 0 || tokens[^1].Kind is TokenKind.Operator or TokenKind.LeftParen or TokenKind.Comma;

    private static string ReadQuoted(string text, ref int i)
    {
        var quote = text[i];
        var start = i;
        var value = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                var what = quote == '`' ? "identifier" : "string";
                throw new QueryException($"unterminated {what}: no closing {quote}", start + 1, text[start..]);
            }

            if (text[i] == quote)
            {
                // A doubled quote stands for one quote character, as in SQL.
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                return value.ToString();
            }

            value.Append(text[i]);
            i++;
        }
    }

    private static int ReadNumber(string text, int i)
    {
        if (text[i] is '-' or '+')
        {
            i++;
        }

        while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '-' or '+')
            {
                j++;
            }

            if (j < text.Length && char.IsDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }
            }
        }

        return i;
    }
}
