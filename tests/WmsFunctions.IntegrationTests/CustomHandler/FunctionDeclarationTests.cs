using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.CustomHandler;

/// <summary>The host's view (host.json, generated function.json) and the handler's routes agree, both ways.</summary>
public sealed class FunctionDeclarationTests : IDisposable
{
    private readonly string _appRoot = Directory.CreateTempSubdirectory("wmsfunctions-decl-").FullName;

    public void Dispose() => Directory.Delete(_appRoot, recursive: true);

    private static JsonObject HostJson => JsonNode.Parse(File.ReadAllText(RepoPaths.File("host.json")))!.AsObject();

    private static List<RouteEndpoint> HandlerEndpoints()
    {
        var app = HandlerApp.Build([], builder => builder.Configuration["HubStorage"] = "UseDevelopmentStorage=true");
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().ToList();
    }

    private static (string Route, string[] Methods) Describe(RouteEndpoint endpoint) =>
        ("/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
         endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Select(m => m.ToUpperInvariant()).Order().ToArray() ?? []);

    /// <summary>What the host would call for each function.json in the app root: method(s) and path.</summary>
    private static IEnumerable<(string Function, string Route, string[] Methods)> HostCalls(string appRoot, string routePrefix)
    {
        foreach (var folder in Directory.GetDirectories(appRoot))
        {
            var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "function.json")))!["bindings"]!.AsArray();
            var trigger = bindings.Single(b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal))!;
            var name = Path.GetFileName(folder);
            yield return (string)trigger["type"]! == "httpTrigger"
                ? (name, $"/{routePrefix}/{(string)trigger["route"]!}", trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()).Order().ToArray())
                : (name, "/" + name, ["POST"]);
        }
    }

    [Fact]
    public void EveryFunctionJson_HasAHandlerRoute_AndEveryRouteAFunction()
    {
        FunctionMetadata.Write(_appRoot, FunctionCatalog.All);
        var routePrefix = (string)HostJson["extensions"]!["http"]!["routePrefix"]!;

        var hostCalls = HostCalls(_appRoot, routePrefix).Select(c => (c.Route, string.Join(",", c.Methods))).Order().ToList();
        var handlerRoutes = HandlerEndpoints()
            .Where(e => e.Metadata.GetMetadata<FunctionDefinition>() is not null)
            .Select(Describe).Select(d => (d.Route, string.Join(",", d.Methods))).Order().ToList();

        Assert.NotEmpty(hostCalls);
        Assert.Equal(hostCalls, handlerRoutes);
    }

    [Fact]
    public void HandlerRoutes_OutsideTheCatalog_AreOnlyReadinessAndTheOpenApiDocument()
    {
        var extra = HandlerEndpoints().Where(e => e.Metadata.GetMetadata<FunctionDefinition>() is null).Select(e => Describe(e).Route).Order(StringComparer.Ordinal);

        Assert.Equal(["/", "/openapi/{documentName}.json"], extra);
    }

    [Fact]
    public void ForwardedFunctions_HaveExactlyOneHttpInAndOneHttpOut()
    {
        // Any other binding would make the host fall back to the JSON envelope instead of forwarding the request.
        FunctionMetadata.Write(_appRoot, FunctionCatalog.All);
        foreach (var function in FunctionCatalog.All.Where(f => f.IsForwardedHttp))
        {
            var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(_appRoot, function.Name, "function.json")))!["bindings"]!.AsArray();
            Assert.Equal(["httpTrigger/in", "http/out"], bindings.Select(b => $"{b!["type"]}/{b["direction"]}"));
        }
    }

    [Fact]
    public void HostJson_NamesTheHandler_ForwardsHttp_AndKeepsTheCatalogsRoutePrefix()
    {
        var host = HostJson;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal(typeof(HandlerApp).Assembly.GetName().Name, (string?)host["customHandler"]!["description"]!["defaultExecutablePath"]);
        Assert.True((bool)host["customHandler"]!["enableForwardingHttpRequest"]!);
        Assert.Equal(FunctionCatalog.RoutePrefix, (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.Equal("[4.*, 5.0.0)", (string?)host["extensionBundle"]!["version"]);
        // The outbox relay is what carries events to the OMS: its queue must be polled at least every 2 s (< 2 s target).
        Assert.True(TimeSpan.Parse((string)host["extensions"]!["queues"]!["maxPollingInterval"]!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void EverySettingAFunctionJsonNames_IsInLocalSettingsSample()
    {
        var values = JsonNode.Parse(File.ReadAllText(RepoPaths.File("local.settings.sample.json")))!["Values"]!.AsObject();
        var connections = FunctionCatalog.All.SelectMany(f => f.ToFunctionJson()["bindings"]!.AsArray())
            .Select(b => (string?)b!["connection"]).OfType<string>().Distinct();

        Assert.All(FunctionCatalog.All.SelectMany(f => f.Settings()), setting => Assert.True(values.ContainsKey(setting), $"{setting} is missing"));
        Assert.All(connections, c => Assert.True(values.ContainsKey(c) || values.Any(v => v.Key.StartsWith(c + "__", StringComparison.Ordinal)), $"connection {c} is missing"));
    }
}
