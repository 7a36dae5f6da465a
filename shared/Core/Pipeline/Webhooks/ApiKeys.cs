using System.Security.Cryptography;
using System.Text;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>API keys are stored only as SHA-256 hashes and compared in constant time.</summary>
public static class ApiKeys
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Verify(string? presented, IReadOnlyList<byte[]> acceptedHashes)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        var match = false;
        foreach (var accepted in acceptedHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, accepted); // every hash compared: no early exit
        }

        return match;
    }

    /// <summary>A new random key (for set-up scripts and tests), 32 bytes as base64url.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
