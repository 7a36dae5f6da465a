using System.Reflection;
using WmsFunctions.Platform.Storage;
using WmsFunctions.UnitTests.Support;

namespace WmsFunctions.UnitTests.Architecture;

/// <summary>The core's layers only look down and its modules form no cycle (docs/architecture.md, "The layers").</summary>
public sealed class DependencyRuleTests
{
    private static readonly Assembly Core = typeof(HubStorage).Assembly;

    private static readonly IReadOnlySet<(Type From, Type To)> CoreReferences = TypeReferences.Of(Core);

    private static readonly LayerRules Fixture = new("WmsFunctions.UnitTests.Architecture.Fixtures");

    [Fact]
    public void Core_NoLayerUsesAHigherOne()
    {
        var upward = LayerRules.Core.UpwardReferences(CoreReferences);

        Assert.True(upward.Count == 0, "A lower layer uses a higher one:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void Core_ModulesFormNoCycle()
    {
        var cycles = LayerRules.Core.Cycles(CoreReferences);

        Assert.True(cycles.Count == 0, "Modules that use each other:\n" + string.Join('\n', cycles));
    }

    [Fact]
    public void Core_NoSourceNamesAHigherLayer()
    {
        var upward = SourceReferences.Upward(LayerRules.Core, Repository.CoreSources());

        Assert.True(upward.Count == 0, "A lower layer names a higher one:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void Core_EveryNamespaceIsInALayer()
    {
        var outside = Core.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(ns => ns.StartsWith(LayerRules.Core.Root, StringComparison.Ordinal) && LayerRules.Core.LayerOf(ns) is null)
            .Distinct().ToList();

        Assert.Empty(outside);
    }

    [Fact]
    public void Edi_UsesNoOtherAssemblyOfTheHub()
    {
        var edi = typeof(WmsFunctions.Edi.X12Reader).Assembly;

        Assert.DoesNotContain(edi.GetReferencedAssemblies(), a => a.Name!.StartsWith("WmsFunctions", StringComparison.Ordinal));
    }

    [Fact]
    public void UpwardReferences_APlatformTypeUsingAFlow_IsReported()
    {
        var upward = Fixture.UpwardReferences([(typeof(Fixtures.Platform.Low.Shelf), typeof(Fixtures.Flows.High.Order))]);

        Assert.Equal(["WmsFunctions.UnitTests.Architecture.Fixtures.Platform.Low -> WmsFunctions.UnitTests.Architecture.Fixtures.Flows.High (Shelf -> Order)"], upward);
    }

    [Fact]
    public void UpwardReferences_AFlowUsingThePlatform_IsAllowed()
    {
        Assert.Empty(Fixture.UpwardReferences([(typeof(Fixtures.Flows.High.Order), typeof(Fixtures.Platform.Low.Shelf))]));
    }

    [Fact]
    public void Cycles_TwoModulesUsingEachOther_AreReported()
    {
        var cycles = Fixture.Cycles(
        [
            (typeof(Fixtures.Flows.High.Order), typeof(Fixtures.Flows.Other.Invoice)),
            (typeof(Fixtures.Flows.Other.Invoice), typeof(Fixtures.Flows.High.Order)),
        ]);

        Assert.Equal(
            ["[F.Flows.High, F.Flows.Other]: F.Flows.High -> F.Flows.Other (Order -> Invoice); F.Flows.Other -> F.Flows.High (Invoice -> Order)".Replace("F.", "WmsFunctions.UnitTests.Architecture.Fixtures.", StringComparison.Ordinal)],
            cycles);
    }

    [Fact]
    public void SourceReferences_AUsingOrAQualifiedConstantOfAHigherLayer_IsReported_ACommentIsNot()
    {
        const string source = """
            using System.Text;
            using WmsFunctions.Platform.Storage;
            using static WmsFunctions.Flows.Items.ItemCatalog;
            using Alias = WmsFunctions.Operations.AlertEvaluator;

            namespace WmsFunctions.Platform.Tenancy;

            /// <see cref="WmsFunctions.Adapters.X12.X12Dialect"/> in a comment is no dependency
            public static class Codes
            {
                public const string Name = WmsFunctions.Pipeline.Delivery.WmsDialects.Default;
            }
            """;

        Assert.Equal(
            [
                "Codes.cs: WmsFunctions.Platform.Tenancy uses WmsFunctions.Flows.Items.ItemCatalog",
                "Codes.cs: WmsFunctions.Platform.Tenancy uses WmsFunctions.Operations.AlertEvaluator",
                "Codes.cs: WmsFunctions.Platform.Tenancy uses WmsFunctions.Pipeline.Delivery.WmsDialects.Default",
            ],
            SourceReferences.Upward(LayerRules.Core, [("Codes.cs", source)]));
    }

    [Fact]
    public void TypeReferences_SeeAFullyQualifiedUseInAMethodBody()
    {
        var references = TypeReferences.Of(typeof(DependencyRuleTests).Assembly);

        Assert.Contains((typeof(Fixtures.Flows.Other.Invoice), typeof(Fixtures.Platform.Low.Shelf)), references);
    }
}
