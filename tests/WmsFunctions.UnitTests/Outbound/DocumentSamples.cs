using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.RegularExpressions;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.UnitTests.Outbound;

/// <summary>
/// Sample documents built from a document record alone, so a new flow's document is rendered and checked against the
/// contract without a line of its own here: <see cref="Full"/> sets every optional value and puts one element in every
/// list and map, <see cref="Minimal"/> leaves every nullable null and every list and map empty. Values keep to the
/// record's constraints (allowed values, lengths, pattern, minimum), as the flows' own validation makes them.
/// </summary>
internal static class DocumentSamples
{
    private static readonly DateOnly Day = new(2026, 12, 1);

    public static WmsDocument Full(Type document) => (WmsDocument)Record(document, full: true);

    public static WmsDocument Minimal(Type document) => (WmsDocument)Record(document, full: false);

    private static object Record(Type record, bool full)
    {
        var constructor = Assert.Single(record.GetConstructors());
        var nullability = new NullabilityInfoContext();
        var arguments = constructor.GetParameters().Select(parameter =>
        {
            var nullable = Nullable.GetUnderlyingType(parameter.ParameterType) is not null
                || (!parameter.ParameterType.IsValueType && nullability.Create(parameter).WriteState == NullabilityState.Nullable);
            return nullable && !full
                ? null
                : Value(Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType, record.GetProperty(parameter.Name!)!, full);
        });

        return constructor.Invoke([.. arguments]);
    }

    private static object Value(Type type, PropertyInfo property, bool full)
    {
        if (type == typeof(string))
        {
            return Text(property);
        }

        if (type == typeof(bool))
        {
            return full;
        }

        if (type == typeof(int))
        {
            return (int)Minimum(property);
        }

        if (type == typeof(long))
        {
            return Minimum(property);
        }

        if (type == typeof(decimal))
        {
            return Minimum(property) + 0.5m;
        }

        if (type == typeof(DateOnly))
        {
            return Day;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var list = Array.CreateInstance(type.GenericTypeArguments[0], full ? 1 : 0);
            if (full)
            {
                list.SetValue(Value(type.GenericTypeArguments[0], property, full), 0);
            }

            return list;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var map = (System.Collections.IDictionary)Activator.CreateInstance(typeof(SortedDictionary<,>).MakeGenericType(type.GenericTypeArguments))!;
            if (full)
            {
                map.Add("k", Value(type.GenericTypeArguments[1], property, full));
            }

            return map;
        }

        return Record(type, full);
    }

    /// <summary>The smallest value the property's range allows, else 1.</summary>
    private static long Minimum(PropertyInfo property) =>
        property.GetCustomAttribute<RangeAttribute>() is { } range ? Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture) : 1;

    /// <summary>A string the property's constraints accept: its first allowed value, a URL, or the shortest run of one character that fits.</summary>
    private static string Text(PropertyInfo property)
    {
        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            return (string)allowed.Values[0]!;
        }

        if (property.GetCustomAttribute<UrlAttribute>() is not null)
        {
            return "https://img.example.test/a.jpg";
        }

        var length = property.GetCustomAttribute<StringLengthAttribute>();
        var pattern = property.GetCustomAttribute<RegularExpressionAttribute>()?.Pattern;
        var (shortest, longest) = (Math.Max(1, length?.MinimumLength ?? 1), Math.Min(length?.MaximumLength ?? 64, 64));
        return Enumerable.Range(shortest, longest - shortest + 1).SelectMany(n => "A0a".Select(c => new string(c, n))).FirstOrDefault(s => pattern is null || Regex.IsMatch(s, pattern))
            ?? throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name}: no sample fits {pattern}; teach DocumentSamples one.");
    }
}
