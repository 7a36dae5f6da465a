using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>Collects field errors of an OMS message, keyed by the field's JSON path (e.g. <c>lines[2].quantity</c>).</summary>
public sealed class FieldErrors
{
    public const long MaxQuantity = 1_000_000_000;

    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string[]> Result => _errors;

    public void Add(string field, string message)
    {
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>A business code: 1 to 128 characters, no surrounding spaces or control characters.</summary>
    public void Code(string field, string? value, bool required = true)
    {
        if (value is null ? required : !Codes.IsValid(value))
        {
            Add(field, $"{(required ? "Required: " : "")}1 to {Codes.MaxLength} characters, no surrounding spaces or control characters.");
        }
    }

    public void Text(string field, string? value, int max, bool required = true)
    {
        if (value is null ? required : string.IsNullOrWhiteSpace(value) || value.Length > max || value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            Add(field, $"{(required ? "Required: " : "")}1 to {max} characters of text.");
        }
    }

    /// <summary>The OMS's version of the entity: grows with every change (a counter, or the modified time as ticks).</summary>
    public void Version(long? version)
    {
        if (version is not > 0)
        {
            Add("version", "Required: a positive number that grows with every change of the entity.");
        }
    }

    public void Quantity(string field, long? quantity, bool allowZero = false)
    {
        if (quantity is not { } q || q < (allowZero ? 0 : 1) || q > MaxQuantity)
        {
            Add(field, $"Required: a whole number from {(allowZero ? 0 : 1)} to {MaxQuantity}.");
        }
    }

    /// <summary>A unit of measure and, for a pack unit, how many eaches one unit holds.</summary>
    public void Unit(string prefix, string? unit, int? eachesPerUnit)
    {
        Code(prefix + "unitOfMeasure", unit);
        if (eachesPerUnit is < 1 or > 100_000)
        {
            Add(prefix + "eachesPerUnit", "From 1 to 100000 when given.");
        }
    }

    /// <summary>Line numbers: present, positive, at most 999999 and unique within the document.</summary>
    public void LineNumbers<TLine>(string field, IReadOnlyList<TLine> lines, Func<TLine, int?> number)
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            var n = number(lines[i]);
            if (n is not (> 0 and <= 999_999))
            {
                Add($"{field}[{i}].lineNumber", "Required: 1 to 999999.");
            }
            else if (!seen.Add(n.Value))
            {
                Add($"{field}[{i}].lineNumber", $"Line {n} appears twice.");
            }
        }
    }

    public void Lines<TLine>(string field, IReadOnlyList<TLine>? lines, int max, bool required)
    {
        if (lines is null || lines.Count == 0)
        {
            if (required)
            {
                Add(field, "Required: at least one line.");
            }
        }
        else if (lines.Count > max)
        {
            Add(field, $"At most {max} lines.");
        }
    }

    /// <summary>A postal address of the OMS's contracts (a vendor's, a pick slip's ship-to).</summary>
    public void Address(string prefix, PostalAddress address)
    {
        Text(prefix + "line1", address.Line1, 128);
        Text(prefix + "line2", address.Line2, 128, required: false);
        Text(prefix + "city", address.City, 64);
        Text(prefix + "region", address.Region, 64, required: false);
        Text(prefix + "postalCode", address.PostalCode, 16);
        if (address.Country is not { Length: 2 } country || !country.All(char.IsAsciiLetterUpper))
        {
            Add(prefix + "country", "Required: an ISO 3166-1 alpha-2 code (two capital letters).");
        }
    }
}

/// <summary>A postal address as the OMS sends it (vendor addresses, pick-slip ship-tos).</summary>
public sealed record PostalAddress
{
    public string? Line1 { get; init; }

    public string? Line2 { get; init; }

    public string? City { get; init; }

    public string? Region { get; init; }

    public string? PostalCode { get; init; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; init; }
}
