using Microsoft.Extensions.DependencyInjection;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// A WMS dialect: how a mapped document is put on the wire for an instance, and how that WMS says "no, for this
/// reason". The instance's <c>Adapter</c> setting picks one by its <see cref="INamedWmsDialect.DialectName"/>; each
/// dialect is a module of its own under Adapters/, registered with <see cref="WmsDialectRegistration.AddWmsDialect{TDialect}"/>.
/// </summary>
public interface IWmsDialect
{
    string Name { get; }

    /// <summary>
    /// The request for one document; <see cref="WmsRequest.Path"/> is relative to the instance's BaseUrl. Throws
    /// <see cref="MappingException"/> for a document the dialect cannot carry (a failed sync a person acts on).
    /// </summary>
    ValueTask<WmsRequest> RenderAsync(OutboundDocument document, OutboundInstance instance, CancellationToken cancellationToken);

    /// <summary>
    /// A refusal the hub knows by name (e.g. <c>order-batched</c>: the order is already in a wave and can no longer
    /// change), read from the WMS's answer; null for any other refusal.
    /// </summary>
    string? RefusalReason(int status, string? contentType, string body);
}

/// <summary>A dialect's name as configuration spells it (<c>Adapter</c>), known before any instance of it exists.</summary>
public interface INamedWmsDialect
{
    static abstract string DialectName { get; }
}

public sealed record WmsRequest(HttpMethod Method, string Path, string ContentType, byte[] Body);

/// <summary>A registered dialect's name: what an instance's <c>Adapter</c> may say.</summary>
public sealed record RegisteredWmsDialect(string Name);

/// <summary>The registered dialects, by name.</summary>
public sealed class WmsDialects(IEnumerable<IWmsDialect> dialects)
{
    private readonly Dictionary<string, IWmsDialect> _byName = dialects.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public IWmsDialect For(OutboundInstance instance) =>
        _byName.TryGetValue(instance.Adapter, out var dialect)
            ? dialect
            : throw new MappingException("no-adapter", $"WMS instance '{instance.Id}' names adapter '{instance.Adapter}', which the hub does not have.");
}

public static class WmsDialectRegistration
{
    /// <summary>Registers a dialect: its class, as an <see cref="IWmsDialect"/>, and its name for the configuration check.</summary>
    public static IServiceCollection AddWmsDialect<TDialect>(this IServiceCollection services)
        where TDialect : class, IWmsDialect, INamedWmsDialect
    {
        services.AddSingleton<TDialect>();
        services.AddSingleton<IWmsDialect>(sp => sp.GetRequiredService<TDialect>());
        services.AddSingleton(new RegisteredWmsDialect(TDialect.DialectName));
        return services;
    }
}

/// <summary>Refusal reasons the hub knows across dialects.</summary>
public static class RefusalReasons
{
    /// <summary>The order is batched (released to a wave) in the WMS: a change or cancel now needs a person.</summary>
    public const string OrderBatched = "order-batched";

    /// <summary>Any other permanent refusal (4xx other than 408 and 429).</summary>
    public const string WmsRefused = "wms-refused";
}
