using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Adapters;
using WmsFunctions.Flows;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline;
using WmsFunctions.Platform;

namespace WmsFunctions;

/// <summary>The hub's core, registered layer by layer (docs/architecture.md); each layer registers its own services.</summary>
public static class WmsCoreServices
{
    public static IServiceCollection AddWmsCore(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddPlatform(configuration)
            .AddPipeline(configuration)
            .AddFlows(configuration)
            .AddAdapters()
            .AddWmsOperations(configuration);
}
