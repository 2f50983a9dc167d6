namespace Podium.Tracking.Query;

internal enum TokenKind
{
    Identifier,
    QuotedIdentifier,
    String,
    Number,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    Dot,
    End,
}

/// <summary>One lexical token; <see cref="Column"/> is 1-based, <see cref="Text"/> is what the user wrote.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, string Value, int Column)
{
    public bool IsKeyword(string keyword) =>
        Kind == TokenKind.Identifier && string.Equals(Value, keyword, StringComparison.OrdinalIgnoreCase);
}
