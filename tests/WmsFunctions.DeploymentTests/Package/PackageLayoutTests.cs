using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WmsFunctions.DeploymentTests.Infra;
using WmsFunctions.Handler;

namespace WmsFunctions.DeploymentTests.Package;

/// <summary>publish.sh run once: the zip the host loads, unpacked (with a tenants file, as a real deployment has).</summary>
public sealed class PublishedPackage : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("wms-package-").FullName;

    public string Zip => Path.Combine(Folder, "wmsfunctions.zip");

    public string Unpacked => Path.Combine(Folder, "unpacked");

    public async ValueTask InitializeAsync()
    {
        var tenants = Path.Combine(Folder, "tenants.json");
        await File.WriteAllTextAsync(tenants, """
            {"Hub":{"Tenants":{"acme":{"Instances":{"east":{"Auth":{"ApiKeySha256":["2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"]},"Locations":{"E-A1":"DC1"}}}}}}}
            """);
        var publish = new ProcessStartInfo("bash", ["publish.sh", Folder, "--tenants", tenants])
        {
            WorkingDirectory = BicepCli.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(publish)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"publish.sh failed: {await output}{await errors}");
        ZipFile.ExtractToDirectory(Zip, Unpacked);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The deploy package has exactly the layout the Functions host expects, and its handler starts alone.</summary>
public sealed class PackageLayoutTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    private static JsonNode HostJson => JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "host.json")))!;

    private static string Executable => (string)HostJson["customHandler"]!["description"]!["defaultExecutablePath"]!;

    [Fact]
    public void Zip_HoldsHostJson_TheHandler_TheTenantsFile_AndOneFunctionJsonPerDeclaredFunction_Only()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal);

        var expected = FunctionCatalog.All.Select(f => $"{f.Name}/function.json")
            .Append("host.json").Append(Executable).Append("tenants.json")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, files);
    }

    [Fact]
    public void FunctionJson_InThePackage_IsTheCatalogsDeclaration()
    {
        foreach (var function in FunctionCatalog.All)
        {
            var packaged = JsonNode.Parse(File.ReadAllText(Path.Combine(package.Unpacked, function.Name, "function.json")));
            Assert.True(JsonNode.DeepEquals(function.ToFunctionJson(), packaged), $"{function.Name}/function.json differs from the catalog");
        }
    }

    [Fact]
    public void HostJson_IsTheRepositorys_AndTheExecutableItNamesIsAnExecutableLinuxBinary()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "host.json")), File.ReadAllText(Path.Combine(package.Unpacked, "host.json")));

        using var zip = ZipFile.OpenRead(package.Zip);
        var entry = zip.GetEntry(Executable)!;
        var unixMode = entry.ExternalAttributes >> 16;
        Assert.True((unixMode & 0b001_001_001) != 0, $"{Executable} is not executable in the zip (mode {Convert.ToString(unixMode, 8)})");
        using var stream = entry.Open();
        var magic = new byte[4];
        stream.ReadExactly(magic);
        Assert.Equal("\u007fELF"u8.ToArray(), magic);
    }

    [Fact]
    public async Task PackagedHandler_StartsFromAnotherFolder_ReadsItsTenantsFile_AndAnswersReadinessWithin30s()
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(package.Unpacked, Executable))
        {
            WorkingDirectory = Path.GetTempPath(), // the tenants file is found next to the handler, not in the working folder
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[HandlerApp.PortSetting] = $"{port}";
        start.Environment[HandlerApp.TenantsFileSetting] = "tenants.json";
        start.Environment["HubStorage"] = "UseDevelopmentStorage=true";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = Stopwatch.StartNew();
            HttpResponseMessage? ready = null;
            while (ready is null && deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                try
                {
                    ready = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"), TestContext.Current.CancellationToken);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(50, TestContext.Current.CancellationToken);
                }
            }

            Assert.False(process.HasExited, $"the handler exited: {(process.HasExited ? await errors : "")}");
            Assert.Equal(HttpStatusCode.OK, ready?.StatusCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
