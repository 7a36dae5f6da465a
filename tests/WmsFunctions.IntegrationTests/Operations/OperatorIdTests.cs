using System.Buffers.Text;
using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>
/// Ids from operators that reach a table key: one that cannot name a row (a '/' or control character storage refuses
/// in keys, a key past its length) is 404 (or a per-item not-found), never a 500 from storage; and no answer, even in
/// Development, carries an exception or a source path.
/// </summary>
public sealed class OperatorIdTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await HubTestHost.StartAsync(azurite, builder: host => host.Environment.EnvironmentName = Environments.Development);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static string Id(string decoded) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(decoded));

    /// <summary>Failed-sync ids whose decoded keys hold what storage refuses in a key.</summary>
    private static readonly string[] Impossible =
    [
        "YS9ifGludmVudG9yeXx4fHk", // "a/b|inventory|x|y", as the hostile test sent it
        Id("east|items|a/b|m"),
        Id("ea\\st|items|x|y"),
        Id("east|items|x#|y"),
        Id("east|items|x?|y"),
        Id("east|items|x\u0001|y"),
        Id("east|" + new string('x', 1030)),
    ];

    public static TheoryData<string> ImpossibleFailedSyncIds => [.. Impossible];

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"urn:wmsfunctions:problem:{type}\"", text, StringComparison.Ordinal);
        foreach (var leak in new[] { " at ", "Exception", ".cs:", "/work/", "Azure." })
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ImpossibleFailedSyncIds))]
    public async Task FailedSync_View_Replay_Resolve_Ignore_OfAnIdThatCannotExist_Are404(string id)
    {
        var key = _hub.ApiKeys.Operator;
        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/failed-syncs/{id}", key), HttpStatusCode.NotFound, "failed-sync-not-found");
        await AssertProblemAsync(await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/replay", new { reason = "retry" }, key), HttpStatusCode.NotFound, "failed-sync-not-found");
        await AssertProblemAsync(await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/resolve", new { reason = "done" }, key), HttpStatusCode.NotFound, "failed-sync-not-found");
        await AssertProblemAsync(await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/ignore", new { reason = "done" }, key), HttpStatusCode.NotFound, "failed-sync-not-found");
    }

    [Fact]
    public async Task FailedSync_BulkReplay_AnswersNotFoundPerImpossibleId()
    {
        var ids = Impossible;

        var response = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/failed-syncs/replay", new { ids, reason = "retry" }, _hub.ApiKeys.Operator);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = (await OperatorCalls.JsonAsync(response)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(ids.Length, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("not-found", o.GetProperty("outcome").GetString()));
    }

    [Theory]
    [InlineData("%01")] // a control character
    [InlineData("a%3Fb")] // '?', which the key escapes
    [InlineData(" padded ")]
    public async Task PickSlip_AnIdNoPickSlipCanHave_Is404(string pickSlipId) =>
        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/pick-slips/{pickSlipId}", _hub.ApiKeys.Operator), HttpStatusCode.NotFound, "pick-slip-not-found");

    [Fact]
    public async Task PickSlip_AnIdPastTheLengthOfACode_Is404() =>
        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/pick-slips/{new string('p', 2000)}", _hub.ApiKeys.Operator), HttpStatusCode.NotFound, "pick-slip-not-found");

    [Theory]
    [InlineData("a%2Fb")]
    [InlineData("%01")]
    [InlineData("0638000000000000000-zzzzzzzz")]
    public async Task ReconciliationRun_AnIdNoRunCanHave_Is404(string runId) =>
        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/reconciliation/runs/{runId}", _hub.ApiKeys.Operator), HttpStatusCode.NotFound, "reconciliation-run-not-found");

    [Theory]
    [InlineData("entityType=pick-slip&entityId=a%2Fb")]
    [InlineData("entityType=pick-slip&entityId=a%01b")]
    [InlineData("entityType=pick-slip&entityId=a%23b%3Fc%5Cd")]
    [InlineData("correlationId=a%2Fb%01")]
    [InlineData("instance=a%2Fb&flow=x%3Fy")]
    public async Task Audit_FiltersWithCharactersKeysRefuse_AreAnsweredWithoutA500(string query)
    {
        var response = await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/audit?{query}", _hub.ApiKeys.Operator);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
    }
}
