using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// A WMS dialect: how a mapped document is put on the wire for an instance, and how that WMS says "no, for
/// this reason". The instance's <c>Adapter</c> setting picks one by <see cref="Name"/>.
/// </summary>
public interface IWmsAdapter
{
    string Name { get; }

    /// <summary>The request for one document; <see cref="WmsRequest.Path"/> is relative to the instance's BaseUrl.</summary>
    WmsRequest Render(WmsDocument document, OutboundInstance instance);

    /// <summary>
    /// What the dispatcher calls: the request for one document, for dialects that need storage to render it
    /// (X12 control numbers, the record of what was sent). Throws <see cref="MappingException"/> like <see cref="Render"/>.
    /// </summary>
    ValueTask<WmsRequest> RenderAsync(WmsDocument document, OutboundInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Render(document, instance));

    /// <summary>
    /// A refusal the hub knows by name (e.g. <c>order-batched</c>: the order is already in a wave and can no longer
    /// change), read from the WMS's answer; null for any other refusal.
    /// </summary>
    string? RefusalReason(int status, string? contentType, string body);
}

public sealed record WmsRequest(HttpMethod Method, string Path, string ContentType, byte[] Body);

/// <summary>The adapters, by name.</summary>
public sealed class WmsAdapters(IEnumerable<IWmsAdapter> adapters)
{
    private readonly Dictionary<string, IWmsAdapter> _byName = adapters.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public IWmsAdapter For(OutboundInstance instance) =>
        _byName.TryGetValue(instance.Adapter, out var adapter)
            ? adapter
            : throw new MappingException("no-adapter", $"WMS instance '{instance.Id}' names adapter '{instance.Adapter}', which the hub does not have.");
}

/// <summary>Refusal reasons the hub knows across dialects.</summary>
public static class RefusalReasons
{
    /// <summary>The order is batched (released to a wave) in the WMS: a change or cancel now needs a person.</summary>
    public const string OrderBatched = "order-batched";

    /// <summary>Any other permanent refusal (4xx other than 408 and 429).</summary>
    public const string WmsRefused = "wms-refused";
}
