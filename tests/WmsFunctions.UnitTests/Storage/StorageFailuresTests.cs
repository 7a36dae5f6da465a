using Azure;
using Microsoft.Extensions.Configuration;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.UnitTests.Storage;

/// <summary>Which failures are a storage outage (503, retry later) and which are not (a bug, a refusal of storage's own).</summary>
public sealed class StorageFailuresTests
{
    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new RequestFailedException("Connection refused"), true }, // status 0: no answer
        { new RequestFailedException(503, "Server busy"), true },
        { new RequestFailedException(500, "Internal error"), true },
        { new RequestFailedException(409, "Conflict"), false },
        { new RequestFailedException(412, "Precondition failed"), false },
        { new RequestFailedException(403, "Forbidden"), false },
        { new AggregateException(new RequestFailedException("refused"), new RequestFailedException("refused")), true },
        { new AggregateException(new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:05."), new TaskCanceledException()), true },
        { new AggregateException(new RequestFailedException(404, "Not found")), false },
        { new AggregateException(), false },
        { new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:05."), true },
        { new OperationCanceledException(), false },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsOutage_TellsAnUnreachableOrStalledStorage_FromEverythingElse(Exception failure, bool outage) =>
        Assert.Equal(outage, StorageFailures.IsOutage(failure));

    [Fact]
    public void OutageOptions_BindFromHubOutage_AndDefaultToFiveSeconds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Outage:StorageTryTimeout"] = "00:00:02",
            ["Hub:Outage:RetryAfterSeconds"] = "9",
        }).Build();

        var options = OutageOptions.From(configuration);

        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestDeadline);
        Assert.Equal(TimeSpan.FromSeconds(2), options.StorageTryTimeout);
        Assert.Equal(9, options.RetryAfterSeconds);
        Assert.True(new OutageOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(new OutageOptionsValidator().Validate(null, new OutageOptions { OutboxReservation = TimeSpan.FromSeconds(5) }).Succeeded); // not longer than the deadline
    }
}
