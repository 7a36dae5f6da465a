
namespace WmsFunctions.Platform.Tenancy;

/// <summary>What a business code (SKU, location, event id, reason) may look like once trimmed.</summary>
public static class Codes
{
    public const int MaxLength = 128;

    public static bool IsValid(string? code) =>
        !string.IsNullOrWhiteSpace(code)
        && code.Length <= MaxLength
        && code.Trim().Length == code.Length
        && !code.Any(char.IsControl);
}
