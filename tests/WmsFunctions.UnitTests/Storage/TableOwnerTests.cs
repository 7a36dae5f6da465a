using System.Text.RegularExpressions;
using WmsFunctions.Platform.Storage;
using WmsFunctions.UnitTests.Support;

namespace WmsFunctions.UnitTests.Storage;

/// <summary>
/// One owner per table: every read and write of a hub table goes through one module of the core (the first two
/// folders under shared/Core, e.g. Flows/Stock), and everyone else asks that module. A second module that names
/// <c>HubTable.X</c> has started to query X itself, with its own idea of the keys and the columns.
/// </summary>
public class TableOwnerTests
{
    /// <summary>
    /// Files allowed to name a table another module owns, each with why. Keep this list short: an entry is a debt.
    /// </summary>
    private static readonly Dictionary<(HubTable Table, string File), string> Exceptions = new()
    {
    };

    [Fact]
    public void HubTableMentions_UnderSharedCore_StayInOneModulePerTable()
    {
        var owners = Owners(Repository.CoreSources().ToList());

        // A module counts as a second owner unless every file of it that names the table is an exception.
        var offenders = owners
            .Select(pair => (Table: pair.Key, Modules: pair.Value
                .Where(m => m.Files.Any(f => !Exceptions.ContainsKey((pair.Key, f))))
                .ToList()))
            .Where(t => t.Modules.Count > 1)
            .Select(t => $"HubTable.{t.Table} is named by {t.Modules.Count} modules: "
                         + string.Join("; ", t.Modules.Select(m => $"{m.Module} ({string.Join(", ", m.Files)})")))
            .ToList();

        Assert.True(offenders.Count == 0, "One owner per table; move these reads and writes into the owning module:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Exceptions_EachFile_StillNamesItsTable()
    {
        var sources = Repository.CoreSources().ToDictionary(s => s.File, s => s.Text, StringComparer.Ordinal);

        var stale = Exceptions
            .Where(e => !sources.TryGetValue(e.Key.File, out var text) || !Mentions(text, e.Key.Table))
            .Select(e => $"{e.Key.File} no longer names HubTable.{e.Key.Table} (excepted because it {e.Value}): remove its exception")
            .ToList();

        Assert.Empty(stale);
    }

    [Fact]
    public void Owners_TwoModulesNameOneTable_ListsBothWithTheirFiles()
    {
        var owners = Owners(
        [
            ("Flows/Stock/StockLedger.cs", "storage.TableAsync(HubTable.Stock, ct)"),
            ("Flows/Reconciliation/ReconciliationRunner.cs", "storage.TableAsync(HubTable.Stock, ct)"),
        ]);

        Assert.Equal(
            ["Flows/Reconciliation (Flows/Reconciliation/ReconciliationRunner.cs)", "Flows/Stock (Flows/Stock/StockLedger.cs)"],
            owners[HubTable.Stock].Select(m => $"{m.Module} ({string.Join(", ", m.Files)})"));
    }

    [Fact]
    public void Owners_ALongerTableNameSharesThePrefix_IsNotAMention()
    {
        var owners = Owners(
        [
            ("Flows/PickSlips/PickSlipOrchestrator.cs", "HubTable.PickSlips"),
            ("Operations/Alerts.cs", "HubTable.PickSlipsByState"),
            ("WmsCoreServices.cs", "HubTable.Audit"),
        ]);

        Assert.Equal(["Flows/PickSlips"], owners[HubTable.PickSlips].Select(m => m.Module));
        Assert.Equal(["Operations"], owners[HubTable.PickSlipsByState].Select(m => m.Module));
        Assert.Equal(["."], owners[HubTable.Audit].Select(m => m.Module));
    }

    /// <summary>Per table, the modules whose files name it (sorted), each with those files.</summary>
    private static Dictionary<HubTable, List<(string Module, List<string> Files)>> Owners(IReadOnlyList<(string File, string Text)> sources) =>
        Enum.GetValues<HubTable>().ToDictionary(
            table => table,
            table => sources
                .Where(s => Mentions(s.Text, table))
                .GroupBy(s => ModuleOf(s.File), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Select(s => s.File).Order(StringComparer.Ordinal).ToList()))
                .ToList());

    // A word boundary, so HubTable.PickSlips is not found inside HubTable.PickSlipsByState.
    private static bool Mentions(string text, HubTable table) =>
        Regex.IsMatch(text, $@"\bHubTable\.{table}\b", RegexOptions.CultureInvariant);

    /// <summary>The first two folders of a path relative to shared/Core ("." for a file at its root).</summary>
    private static string ModuleOf(string file)
    {
        var folders = file.Split('/')[..^1];
        return folders.Length == 0 ? "." : string.Join('/', folders.Take(2));
    }
}
