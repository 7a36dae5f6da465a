namespace WmsFunctions.Edi;

public enum X12ControlNumberKind
{
    /// <summary>ISA13 / IEA02.</summary>
    Interchange,

    /// <summary>GS06 / GE02.</summary>
    Group,

    /// <summary>ST02 / SE02.</summary>
    TransactionSet,
}

/// <summary>
/// Hands out control numbers (1 to 999,999,999, then again from 1) per partner scope and kind. A writer reserves
/// all the numbers one interchange needs at once; an implementation that persists them must never hand out the
/// same block twice.
/// </summary>
public interface IControlNumbers
{
    /// <summary>Reserves <paramref name="count"/> consecutive numbers and returns the first (the block may wrap after 999,999,999).</summary>
    ValueTask<int> ReserveAsync(string scope, X12ControlNumberKind kind, int count, CancellationToken cancellationToken);
}

/// <summary>Control numbers kept in memory: for tests and tools; they start again with every process.</summary>
public sealed class InMemoryControlNumbers(int first = 1) : IControlNumbers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Scope, X12ControlNumberKind Kind), int> _next = [];

    public ValueTask<int> ReserveAsync(string scope, X12ControlNumberKind kind, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, X12ControlNumbers.Max);
        lock (_lock)
        {
            var start = _next.GetValueOrDefault((scope, kind), first);
            _next[(scope, kind)] = X12ControlNumbers.After(start, count);
            return ValueTask.FromResult(start);
        }
    }
}

public static class X12ControlNumbers
{
    public const int Max = 999_999_999;

    /// <summary>The number <paramref name="offset"/> places after <paramref name="start"/>, wrapping after 999,999,999 to 1.</summary>
    public static int After(int start, int offset) => (int)(((long)start - 1 + offset) % Max) + 1;
}
