using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>Calls to the operations API as a forwarded request, with the test operator's key (or other credentials).</summary>
internal static class OperatorCalls
{
    public static Task<HttpResponseMessage> GetAsync(HubTestHost hub, string path, string? key = null, string? bearer = null) =>
        SendAsync(hub, HttpMethod.Get, path, null, key ?? hub.ApiKeys.Operator, bearer);

    public static Task<HttpResponseMessage> PostAsync(HubTestHost hub, string path, object? body, string? key = null, string? bearer = null) =>
        SendAsync(hub, HttpMethod.Post, path, body is null ? null : body as string ?? JsonSerializer.Serialize(body), key ?? hub.ApiKeys.Operator, bearer);

    public static async Task<HttpResponseMessage> SendAsync(HubTestHost hub, HttpMethod method, string path, string? body, string? key, string? bearer)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        else if (key is { Length: > 0 })
        {
            request.Headers.Add("X-Operator-Key", key);
        }

        return await hub.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    /// <summary>The ids of the open failed syncs of a tenant, found through the API.</summary>
    public static async Task<JsonElement[]> FailedSyncsAsync(HubTestHost hub, string query = "", string tenant = "acme")
    {
        var response = await GetAsync(hub, $"/api/ops/{tenant}/failed-syncs{query}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("items").EnumerateArray().ToArray();
    }
}
