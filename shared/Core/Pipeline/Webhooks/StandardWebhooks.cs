using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WmsFunctions.Pipeline.Webhooks;

public enum SignatureHeadersCheck
{
    Valid,
    Missing,
    MalformedId,
    MalformedTimestamp,
    TooOld,
    TooNew,
    MalformedSignature,
}

/// <summary>
/// Standard Webhooks 1.0, symmetric signatures: <c>webhook-signature</c> holds space-separated
/// <c>v1,&lt;base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}"&gt;</c> entries (several during a
/// secret rotation; other versions are ignored), the timestamp (Unix seconds) must lie within
/// <see cref="Tolerance"/> of the hub's clock either way, and every comparison takes constant time.
/// </summary>
public static class StandardWebhooks
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";
    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;
    public const int MaxIdLength = 128;
    public const int MaxSignatureHeaderLength = 2048;

    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string Version = "v1";

    public static bool TryParseSecret(string? value, out byte[] secret)
    {
        secret = [];
        if (value is null || !value.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var buffer = new byte[MaxSecretBytes + 3];
        if (!Convert.TryFromBase64String(value[SecretPrefix.Length..], buffer, out var length) || length is < MinSecretBytes or > MaxSecretBytes)
        {
            return false;
        }

        secret = buffer[..length];
        return true;
    }

    /// <summary>A new random secret of 32 bytes, as a sender is given it.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The <c>v1,...</c> signature of a message (what a WMS sends; used by tests and set-up tools).</summary>
    public static string Sign(ReadOnlySpan<byte> secret, string id, string timestamp, ReadOnlySpan<byte> body) =>
        $"{Version},{Convert.ToBase64String(Mac(secret, id, timestamp, body))}";

    /// <summary>Checks what can be checked before the body is read: headers present and well-formed, timestamp fresh.</summary>
    public static SignatureHeadersCheck CheckHeaders(string? id, string? timestamp, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SignatureHeadersCheck.Missing;
        }

        if (id.Length > MaxIdLength || !id.All(c => c is > ' ' and < '\u007f'))
        {
            return SignatureHeadersCheck.MalformedId;
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureHeadersCheck.MalformedTimestamp;
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sent < now - Tolerance)
        {
            return SignatureHeadersCheck.TooOld;
        }

        if (sent > now + Tolerance)
        {
            return SignatureHeadersCheck.TooNew;
        }

        return signature.Length > MaxSignatureHeaderLength || !Entries(signature).Any()
            ? SignatureHeadersCheck.MalformedSignature
            : SignatureHeadersCheck.Valid;
    }

    /// <summary>True when any v1 signature in the header is the HMAC of the message under any of the secrets.</summary>
    public static bool Verify(string id, string timestamp, string signature, ReadOnlySpan<byte> body, IReadOnlyList<byte[]> secrets)
    {
        var expected = new List<byte[]>(secrets.Count);
        foreach (var secret in secrets)
        {
            expected.Add(Mac(secret, id, timestamp, body));
        }

        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var match = false;
        foreach (var entry in Entries(signature))
        {
            if (!Convert.TryFromBase64String(entry, presented, out var length) || length != HMACSHA256.HashSizeInBytes)
            {
                continue;
            }

            foreach (var mac in expected)
            {
                match |= CryptographicOperations.FixedTimeEquals(presented, mac); // no early exit
            }
        }

        return match;
    }

    /// <summary>The base64 part of every "v1,..." entry; entries of other versions are skipped.</summary>
    private static IEnumerable<string> Entries(string header) =>
        header.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(16)
            .Select(entry => entry.Split(',', 2))
            .Where(parts => parts.Length == 2 && parts[0] == Version && parts[1].Length > 0)
            .Select(parts => parts[1]);

    private static byte[] Mac(ReadOnlySpan<byte> secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
