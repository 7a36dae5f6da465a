namespace WmsFunctions.Gs1;

public enum Gs1Kind
{
    /// <summary>GTIN-8, -12 (UPC-A), -13 (EAN) or -14, normalised to 14 digits.</summary>
    Gtin,

    /// <summary>Serial Shipping Container Code: 18 digits, one per carton or pallet.</summary>
    Sscc,

    /// <summary>Global Location Number: 13 digits, a party or a place (a warehouse, a store).</summary>
    Gln,
}

/// <summary>A GS1 identifier that passed its check digit, in canonical form (GTINs as 14 digits).</summary>
public readonly record struct Gs1Identifier(Gs1Kind Kind, string Value)
{
    public override string ToString() => Value;
}

/// <summary>
/// GS1 identifiers and their check digit: modulo 10 with weights 3, 1, 3, ... counted from the digit next to
/// the check digit, the same rule for every length. Invalid input is refused with a reason, never repaired.
/// </summary>
public static class Gs1Identifiers
{
    private static readonly int[] GtinLengths = [8, 12, 13, 14];

    public static bool TryParseGtin(string? text, out Gs1Identifier gtin, out string? error)
    {
        gtin = default;
        if (!TryDigits(text, GtinLengths, "GTIN", out var digits, out error))
        {
            return false;
        }

        gtin = new Gs1Identifier(Gs1Kind.Gtin, digits.PadLeft(14, '0'));
        return true;
    }

    public static bool TryParseSscc(string? text, out Gs1Identifier sscc, out string? error)
    {
        sscc = default;
        // An SSCC is often printed with its application identifier (00) in front: 20 digits.
        var trimmed = text?.Trim();
        if (trimmed is { Length: 20 } && trimmed.StartsWith("00", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        if (!TryDigits(trimmed, [18], "SSCC", out var digits, out error))
        {
            return false;
        }

        sscc = new Gs1Identifier(Gs1Kind.Sscc, digits);
        return true;
    }

    public static bool TryParseGln(string? text, out Gs1Identifier gln, out string? error)
    {
        gln = default;
        if (!TryDigits(text, [13], "GLN", out var digits, out error))
        {
            return false;
        }

        gln = new Gs1Identifier(Gs1Kind.Gln, digits);
        return true;
    }

    /// <summary>The check digit for the digits that precede it.</summary>
    public static int CheckDigit(ReadOnlySpan<char> withoutCheckDigit)
    {
        var sum = 0;
        for (var i = 0; i < withoutCheckDigit.Length; i++)
        {
            var digit = withoutCheckDigit[withoutCheckDigit.Length - 1 - i] - '0';
            sum += digit * (i % 2 == 0 ? 3 : 1);
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>Appends the check digit (for building identifiers, e.g. SSCCs from a serial reference).</summary>
    public static string WithCheckDigit(string withoutCheckDigit) =>
        withoutCheckDigit.All(char.IsAsciiDigit)
            ? withoutCheckDigit + (char)('0' + CheckDigit(withoutCheckDigit))
            : throw new ArgumentException("Only digits can carry a GS1 check digit.", nameof(withoutCheckDigit));

    private static bool TryDigits(string? text, int[] lengths, string name, out string digits, out string? error)
    {
        digits = text?.Trim() ?? "";
        if (digits.Length == 0)
        {
            error = $"{name} is empty.";
            return false;
        }

        if (!digits.All(char.IsAsciiDigit))
        {
            error = $"{name} '{digits}' must hold digits only.";
            return false;
        }

        if (!lengths.Contains(digits.Length))
        {
            error = $"{name} '{digits}' has {digits.Length} digits; expected {string.Join(" or ", lengths)}.";
            return false;
        }

        var expected = CheckDigit(digits.AsSpan(0, digits.Length - 1));
        if (digits[^1] - '0' != expected)
        {
            error = $"{name} '{digits}' has check digit {digits[^1]}; expected {expected}.";
            return false;
        }

        error = null;
        return true;
    }
}
