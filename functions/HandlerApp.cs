using System.Globalization;
using System.Net;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Operations;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Handler;

/// <summary>Builds the custom handler: configuration, services, and one route per declared function.</summary>
public static class HandlerApp
{
    /// <summary>Set by the Functions host; without it (a local run) the handler listens on <see cref="DefaultPort"/>.</summary>
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public const int DefaultPort = 7071;

    /// <summary>Optional JSON file with the "Hub" section (tenants, instances, mappings); app settings override it.</summary>
    public const string TenantsFileSetting = "HUB_TENANTS_FILE";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (builder.Configuration[TenantsFileSetting] is { Length: > 0 } tenantsFile)
        {
            // A relative path is relative to the handler's own folder: the app root of the deploy package.
            builder.Configuration.AddJsonFile(Path.GetFullPath(tenantsFile, AppContext.BaseDirectory), optional: false, reloadOnChange: false);
            builder.Configuration.AddEnvironmentVariables(); // app settings still win over the file
        }

        // Before the caller's configuration, so a test or the benchmark can add an exporter or a sampler of its own.
        builder.Services.AddHubTelemetry(builder.Configuration);

        configure?.Invoke(builder);

        var port = builder.Configuration[PortSetting] is { Length: > 0 } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : DefaultPort;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port); // only the host (or a local caller) reaches the handler
            kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
        });

        builder.Services.AddWmsFunctions(builder.Configuration);

        var app = builder.Build();
        app.MapWmsFunctions();
        return app;
    }

    public static IServiceCollection AddWmsFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWmsCore(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton<WebhookGate>();
        services.AddSingleton<OperatorGate>();
        services.AddWebhookOpenApi();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = ContractJson.Options.NumberHandling); // as the flows read
        foreach (var invoked in FunctionCatalog.All.Select(f => f.InvokedType).OfType<Type>())
        {
            services.AddScoped(invoked);
        }

        return services;
    }

    public static WebApplication MapWmsFunctions(this WebApplication app)
    {
        // Before the endpoints: whatever they throw is answered as problem details (see ProblemExceptionHandler).
        // A request that matches no route throws nothing and keeps its plain 404.
        app.UseExceptionHandler();

        // Inside it (after routing, which WebApplication puts first): a forwarded request whose storage stalls past
        // the deadline throws, and is answered 503 above.
        app.UseRequestDeadline();

        // The host probes readiness with GET / and accepts any answer.
        app.MapGet("/", () => TypedResults.Ok(new Readiness("ready"))).WithName("Readiness").WithSummary("Readiness probe of the Functions host").WithTags("Functions host");
        app.MapOpenApi(WebhookOpenApi.Route);

        foreach (var function in FunctionCatalog.All)
        {
            var route = function.HandlerRoute(FunctionCatalog.RoutePrefix);
            var endpoint = function.Trigger switch
            {
                HttpTrigger { Audience: HttpAudience.Wms } http => app.MapMethods(route, http.Methods, function.HttpHandler!).WithWebhookRefusals(),
                HttpTrigger { Audience: HttpAudience.Marketplace } http => app.MapMethods(route, http.Methods, function.HttpHandler!).WithTags("Channels"),
                HttpTrigger { Audience: HttpAudience.Operator } http => app.MapMethods(route, http.Methods, function.HttpHandler!).RequireOperator(route).WithOperatorRefusals(),
                HttpTrigger http => app.MapMethods(route, http.Methods, function.HttpHandler!).WithTags("Health"),
                _ => app.MapPost(route, (HttpContext context) => InvocationEndpoint.InvokeAsync(context, function)).ExcludeFromDescription(),
            };
            endpoint.WithName(function.Name).WithMetadata(function).WithMetadata([.. function.EndpointMetadata]);
            if (function.Trigger is HttpTrigger)
            {
                endpoint.ProducesProblem(StatusCodes.Status500InternalServerError); // what ProblemExceptionHandler answers
                endpoint.ProducesProblem(StatusCodes.Status503ServiceUnavailable); // storage unavailable: retry after Retry-After
            }
        }

        return app;
    }
}

/// <summary>The readiness answer (the host accepts any answer; people and probes read this one).</summary>
public sealed record Readiness(string Status);
