using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// Asks the OMS for its own figure of one SKU in one warehouse, where a tenant configures <see cref="OmsStockOptions"/>:
/// <c>GET {BaseUrl}/stock?warehouse=&amp;sku=</c> answered <c>{"onHand": n}</c> (404: the OMS holds no such stock, 0).
/// Used for reported differences only; the key is read by setting name at the moment of use.
/// </summary>
public sealed class OmsStockClient(IHttpClientFactory httpClients, IConfiguration configuration)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<long?> OnHandAsync(OmsStockOptions oms, string warehouse, string sku, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            $"{oms.BaseUrl.TrimEnd('/')}/stock?warehouse={Uri.EscapeDataString(warehouse)}&sku={Uri.EscapeDataString(sku)}");
        if (oms.ApiKeySetting is { Length: > 0 } setting)
        {
            request.Headers.TryAddWithoutValidation(oms.ApiKeyHeader, configuration[setting]);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var response = await httpClients.CreateClient(WmsCredentials.HttpClientName).SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        var figure = await response.Content.ReadFromJsonAsync<OmsFigure>(timeout.Token).ConfigureAwait(false);
        return figure?.OnHand ?? throw new HttpRequestException("The OMS answered without onHand.");
    }

    private sealed record OmsFigure(long? OnHand);
}
