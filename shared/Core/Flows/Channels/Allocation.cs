
namespace WmsFunctions.Flows.Channels;

/// <summary>How one sales channel shares a location's available-to-sell.</summary>
/// <param name="Channel">Channel id (a marketplace account, the own web shop, ...).</param>
/// <param name="Priority">Priority channels are served first, in <paramref name="Order"/>, each up to its cap.</param>
/// <param name="Order">Position among priority channels (lower first); ties by channel id.</param>
/// <param name="Percent">Share (0-100) of what the priority channels leave; the shares of a location sum to 100 or less.</param>
/// <param name="Cap">The most the channel is ever shown, if any.</param>
public sealed record ChannelRule(string Channel, bool Priority = false, int Order = 0, decimal Percent = 0, long? Cap = null);

/// <summary>
/// Available-to-sell and its split between channels. ATS = on hand - reserved (open orders and pick slips not
/// yet shipped) - safety stock, never below zero. Priority channels take first (each up to its cap); the rest is
/// split by percentage with the largest-remainder method, so rounding never strands the last units and never
/// shows more than there is. No channel ever gets more than its cap, and all channels together never more
/// than ATS: showing every channel the whole on-hand figure is how channels oversell.
/// </summary>
public static class Allocation
{
    public static long AvailableToSell(long onHand, long reserved, long safetyStock) => Math.Max(0, onHand - reserved - safetyStock);

    public static IReadOnlyDictionary<string, long> Split(long availableToSell, IReadOnlyList<ChannelRule> rules)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(availableToSell);
        var allocation = rules.ToDictionary(r => r.Channel, _ => 0L, StringComparer.Ordinal);
        var remaining = availableToSell;

        foreach (var rule in rules.Where(r => r.Priority).OrderBy(r => r.Order).ThenBy(r => r.Channel, StringComparer.Ordinal))
        {
            var given = Math.Min(remaining, rule.Cap ?? remaining);
            allocation[rule.Channel] = given;
            remaining -= given;
        }

        var shared = rules.Where(r => !r.Priority && r.Percent > 0).OrderBy(r => r.Channel, StringComparer.Ordinal).ToArray();
        if (shared.Length == 0 || remaining == 0)
        {
            return allocation;
        }

        var percentTotal = shared.Sum(r => r.Percent);
        if (percentTotal > 100)
        {
            throw new ArgumentException($"Channel shares add up to {percentTotal}%; at most 100% can be shared.", nameof(rules));
        }

        // Exact quotas, floored; then the units the floors left go one by one to the largest remainders.
        var quotas = shared.Select(r => (Rule: r, Exact: remaining * r.Percent / 100m)).ToArray();
        var toGive = (long)Math.Floor(remaining * percentTotal / 100m);
        foreach (var (rule, exact) in quotas)
        {
            var floor = (long)Math.Floor(exact);
            allocation[rule.Channel] = Math.Min(floor, rule.Cap ?? floor);
            toGive -= allocation[rule.Channel];
        }

        foreach (var (rule, _) in quotas
            .Where(q => q.Rule.Cap is null || allocation[q.Rule.Channel] < q.Rule.Cap)
            .Where(q => q.Exact - Math.Floor(q.Exact) > 0)
            .OrderByDescending(q => q.Exact - Math.Floor(q.Exact))
            .ThenBy(q => q.Rule.Channel, StringComparer.Ordinal))
        {
            if (toGive <= 0)
            {
                break;
            }

            allocation[rule.Channel]++;
            toGive--;
        }

        return allocation;
    }
}
