using System.Net;
using System.Text.Json.Nodes;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.CustomHandler;

/// <summary>
/// The handler serves its OpenAPI document, and it is the one checked in at functions/openapi/v1.json. After a
/// contract change, regenerate the file with
/// <c>WMS_UPDATE_OPENAPI=1 dotnet test tests/WmsFunctions.IntegrationTests --filter FullyQualifiedName~OpenApiDocumentTests</c>
/// and review its diff.
/// </summary>
public sealed class OpenApiDocumentTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string RegenerateSetting = "WMS_UPDATE_OPENAPI";
    private static readonly string CheckedIn = RepoPaths.File("functions", "openapi", "v1.json");
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await HubTestHost.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<string> ServedAsync()
    {
        var response = await _hub.Http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ServedDocument_IsTheCheckedInOne()
    {
        var served = await ServedAsync();
        if (Environment.GetEnvironmentVariable(RegenerateSetting) == "1")
        {
            await File.WriteAllTextAsync(CheckedIn, served.ReplaceLineEndings("\n").TrimEnd() + "\n", TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(CheckedIn), $"{CheckedIn} is missing: run with {RegenerateSetting}=1 to write it.");
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(await File.ReadAllTextAsync(CheckedIn, TestContext.Current.CancellationToken))),
            $"The handler's OpenAPI document differs from functions/openapi/v1.json. If the change is intended, regenerate it: " +
            $"{RegenerateSetting}=1 dotnet test tests/WmsFunctions.IntegrationTests --filter FullyQualifiedName~OpenApiDocumentTests");
    }

    [Fact]
    public async Task Document_HasEveryWebhookOfTheCatalog_AndReadiness_AndNothingElse()
    {
        var paths = JsonNode.Parse(await ServedAsync())!["paths"]!.AsObject();

        var webhooks = FunctionCatalog.All.Where(f => f.IsForwardedHttp).Select(f => f.HandlerRoute(FunctionCatalog.RoutePrefix));
        Assert.Equal(webhooks.Append("/").Distinct().Order(StringComparer.Ordinal), paths.Select(p => p.Key).Order(StringComparer.Ordinal)); // one path, several methods
    }

    [Fact]
    public async Task EveryWebhook_DescribesItsBody_ItsAnswer_EveryRefusalAsProblemDetails_AndItsSecurity()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var function in FunctionCatalog.All.Where(f => f.IsWebhook))
        {
            var operation = document["paths"]![function.HandlerRoute(FunctionCatalog.RoutePrefix)]!["post"]!;
            // JSON webhooks answer 202 with JSON; the X12 webhook reads and answers application/edi-x12 (its 997) with 200.
            var (media, answer) = function.Name == "X12Interchanges" ? ("application/edi-x12", "200") : ("application/json", "202");
            var body = (string)operation["requestBody"]!["content"]![media]!["schema"]!["$ref"]!;
            Assert.True(schemas.ContainsKey(body.Split('/')[^1]), $"{function.Name}: request schema {body} missing");
            Assert.NotNull(operation["responses"]![answer]!["content"]![media]!["schema"]!["$ref"]);
            foreach (var status in new[] { "400", "401", "403", "409", "413", "415", "422" })
            {
                Assert.Equal("#/components/schemas/ProblemDetails", (string?)operation["responses"]![status]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
            }

            var alternatives = operation["security"]!.AsArray().Select(r => string.Join('+', r!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal)));
            Assert.Equal(["apiKey+functionKey", "bearer+functionKey", "functionKey+standardWebhooks"], alternatives.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task EveryForwardedOperation_DescribesTheUnexpectedFailure_AsProblemDetails()
    {
        var paths = JsonNode.Parse(await ServedAsync())!["paths"]!.AsObject();
        var forwarded = FunctionCatalog.All.Where(f => f.IsForwardedHttp).ToList();

        Assert.NotEmpty(forwarded);
        foreach (var function in forwarded)
        {
            foreach (var method in ((HttpTrigger)function.Trigger).Methods)
            {
                var operation = paths[function.HandlerRoute(FunctionCatalog.RoutePrefix)]![method.ToLowerInvariant()]!;
                Assert.True(
                    (string?)operation["responses"]!["500"]?["content"]?["application/problem+json"]?["schema"]?["$ref"] == "#/components/schemas/ProblemDetails",
                    $"{function.Name} ({method}) does not describe its 500 problem answer");
            }
        }
    }

    [Fact]
    public async Task SecuritySchemes_NameTheHeadersTheGateReads()
    {
        var schemes = JsonNode.Parse(await ServedAsync())!["components"]!["securitySchemes"]!;

        Assert.Equal(("header", "X-Api-Key"), ((string?)schemes["apiKey"]!["in"], (string?)schemes["apiKey"]!["name"]));
        Assert.Equal(("header", "webhook-signature"), ((string?)schemes["standardWebhooks"]!["in"], (string?)schemes["standardWebhooks"]!["name"]));
        Assert.Equal(("http", "bearer", "JWT"), ((string?)schemes["bearer"]!["type"], (string?)schemes["bearer"]!["scheme"], (string?)schemes["bearer"]!["bearerFormat"]));
        Assert.Equal("x-functions-key", (string?)schemes["functionKey"]!["name"]);
    }

    [Fact]
    public async Task EveryOperatorEndpoint_NeedsAnOperatorTokenOrKey_AndDescribesItsAnswerAndRefusals()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        var operators = FunctionCatalog.All.Where(f => f.IsOperatorEndpoint).ToList();

        Assert.NotEmpty(operators);
        foreach (var function in operators)
        {
            var method = ((HttpTrigger)function.Trigger).Methods.Single().ToLowerInvariant();
            var operation = document["paths"]![function.HandlerRoute(FunctionCatalog.RoutePrefix)]![method]!;
            var success = operation["responses"]!["200"] ?? operation["responses"]!["201"] ?? operation["responses"]!["202"]!;
            Assert.NotNull(success["content"]!["application/json"]!["schema"]!["$ref"]);
            foreach (var refusal in new[] { "401", "403" })
            {
                Assert.Equal("#/components/schemas/ProblemDetails", (string?)operation["responses"]![refusal]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
            }

            var alternatives = operation["security"]!.AsArray().Select(r => string.Join('+', r!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal)));
            Assert.Equal(["functionKey+operatorBearer", "functionKey+operatorKey"], alternatives.Order(StringComparer.Ordinal));
            Assert.Equal("Operations", (string?)operation["tags"]![0]);
        }

        var bearer = document["components"]!["securitySchemes"]!["operatorBearer"]!;
        Assert.Equal(("http", "bearer", "JWT"), ((string?)bearer["type"], (string?)bearer["scheme"], (string?)bearer["bearerFormat"]));
    }

    [Fact]
    public async Task Health_IsAnonymous_AndDocumentsItsNotReadyProblem()
    {
        var operation = JsonNode.Parse(await ServedAsync())!["paths"]!["/api/health"]!["get"]!;

        Assert.Null(operation["security"]);
        Assert.Equal("#/components/schemas/ProblemDetails", (string?)operation["responses"]!["503"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
        Assert.Equal("anonymous", (string?)FunctionCatalog.All.Single(f => f.Name == "Health").ToFunctionJson()["bindings"]![0]!["authLevel"]);
    }
}
