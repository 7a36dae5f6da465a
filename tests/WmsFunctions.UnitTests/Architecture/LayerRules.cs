namespace WmsFunctions.UnitTests.Architecture;

/// <summary>
/// The core's dependency rule (docs/architecture.md): its layers, in order, only look down, and the modules (the
/// namespaces one level below a layer, e.g. WmsFunctions.Flows.Items) form no cycle. A layer's own root namespace
/// (e.g. WmsFunctions.Flows, the registry of every flow) is a module of that layer that may use the others; none of
/// them uses it back, since that would be a cycle.
/// </summary>
public sealed class LayerRules(string root)
{
    /// <summary>The core's rule.</summary>
    public static LayerRules Core { get; } = new("WmsFunctions");

    /// <summary>Lowest first. The bare root namespace (composition: every service registered) sits above all.</summary>
    public static readonly IReadOnlyList<string> Layers = ["Platform", "Pipeline", "Flows", "Adapters", "Operations"];

    public string Root => root;

    /// <summary>The layer index of a namespace of the core, or null when it is not one of the core's.</summary>
    public int? LayerOf(string? ns)
    {
        if (ns is null || !(ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal)))
        {
            return null;
        }

        if (ns == Root)
        {
            return Layers.Count;
        }

        var layer = ns.Split('.')[root.Split('.').Length];
        var index = Layers.ToList().IndexOf(layer);
        return index < 0 ? null : index;
    }

    /// <summary>WmsFunctions.Layer.Module (or the layer's root, or the bare root).</summary>
    public string ModuleOf(string ns) => string.Join('.', ns.Split('.').Take(root.Split('.').Length + 2));

    /// <summary>Every reference from a lower layer to a higher one, as "From -> To (TypeA -> TypeB, ...)".</summary>
    public IReadOnlyList<string> UpwardReferences(IEnumerable<(Type From, Type To)> references) =>
        references
            .Where(r => LayerOf(r.From.Namespace) is { } from && LayerOf(r.To.Namespace) is { } to && to > from)
            .GroupBy(r => (From: ModuleOf(r.From.Namespace!), To: ModuleOf(r.To.Namespace!)))
            .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal)
            .Select(g => $"{g.Key.From} -> {g.Key.To} ({Examples(g)})")
            .ToList();

    /// <summary>Every cycle among modules, as the modules in it with one reference per edge of the cycle.</summary>
    public IReadOnlyList<string> Cycles(IEnumerable<(Type From, Type To)> references)
    {
        var edges = references
            .Where(r => LayerOf(r.From.Namespace) is not null && LayerOf(r.To.Namespace) is not null)
            .Select(r => (From: ModuleOf(r.From.Namespace!), To: ModuleOf(r.To.Namespace!), r))
            .Where(e => e.From != e.To)
            .GroupBy(e => (e.From, e.To))
            .ToDictionary(g => g.Key, g => g.Select(e => e.r).ToList());
        var graph = edges.Keys.GroupBy(k => k.From).ToDictionary(g => g.Key, g => g.Select(k => k.To).ToList());
        return StronglyConnected(graph)
            .Where(component => component.Count > 1)
            .Select(component =>
            {
                var inside = component.ToHashSet(StringComparer.Ordinal);
                var links = edges.Where(e => inside.Contains(e.Key.From) && inside.Contains(e.Key.To))
                    .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
                    .Select(e => $"{e.Key.From} -> {e.Key.To} ({Examples(e.Value)})");
                return $"[{string.Join(", ", component.Order(StringComparer.Ordinal))}]: {string.Join("; ", links)}";
            })
            .ToList();
    }

    private static string Examples(IEnumerable<(Type From, Type To)> references)
    {
        var names = references.Select(r => $"{r.From.Name} -> {r.To.Name}").Distinct().Order(StringComparer.Ordinal).ToList();
        return string.Join(", ", names.Take(3)) + (names.Count > 3 ? $", +{names.Count - 3}" : "");
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> graph)
    {
        var index = 0;
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLinks = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            indices[node] = lowLinks[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!indices.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    lowLinks[node] = Math.Min(lowLinks[node], lowLinks[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLinks[node] = Math.Min(lowLinks[node], seen);
                }
            }

            if (lowLinks[node] == indices[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys.Concat(graph.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal).ToList())
        {
            if (!indices.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
