using WmsFunctions.LocalHost;

// wmsfunctions-localhost prepare --template tenants.sample.json --tenants OUT.json --keys KEYS.json [--secrets SECRETS.env]
// wmsfunctions-localhost seed                                      (demo items into the catalog)
// wmsfunctions-localhost run     --app APPROOT --handler URL         (storage and settings from the environment)
// wmsfunctions-localhost demo    --app APPROOT --handler URL --keys KEYS.json
var options = Arguments.Parse(args.Skip(1));
var cancel = new CancellationTokenSource(); // not disposed: ProcessExit may still cancel it
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => cancel.Cancel();

try
{
    return args.FirstOrDefault() switch
    {
        "prepare" => await Commands.PrepareAsync(options["template"], options["tenants"], options["keys"], options.GetValueOrDefault("secrets")),
        "seed" => await Demo.SeedAsync(cancel.Token),
        "run" => await Commands.RunAsync(options["app"], new Uri(options["handler"]), cancel.Token),
        "demo" => await Demo.RunAsync(options["app"], new Uri(options["handler"]), options["keys"], cancel.Token),
        _ => Usage(),
    };
}
catch (KeyNotFoundException missing)
{
    await Console.Error.WriteLineAsync(missing.Message);
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: WmsFunctions.LocalHost prepare|seed|run|demo [--template F] [--tenants F] [--keys F] [--app DIR] [--handler URL]");
    return 2;
}

internal static class Arguments
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> args)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
            }
            else if (name is not null)
            {
                parsed[name] = arg;
                name = null;
            }
        }

        return new Required(parsed);
    }

    private sealed class Required(Dictionary<string, string> values) : Dictionary<string, string>(values)
    {
        public new string this[string key] =>
            TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"--{key} is required.");
    }
}
