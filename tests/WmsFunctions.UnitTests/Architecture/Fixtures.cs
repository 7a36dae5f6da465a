// Types in namespaces shaped like the core's, for the tests of the rule itself.
#pragma warning disable CA1812, CA1822, CA1050, S1118
namespace WmsFunctions.UnitTests.Architecture.Fixtures.Platform.Low
{
    internal sealed class Shelf;
}

namespace WmsFunctions.UnitTests.Architecture.Fixtures.Flows.High
{
    internal sealed class Order;
}

namespace WmsFunctions.UnitTests.Architecture.Fixtures.Flows.Other
{
    internal sealed class Invoice
    {
        /// <summary>Used only inside a method body, fully qualified: the IL scan must still see it.</summary>
        public static int Count() => new[] { new WmsFunctions.UnitTests.Architecture.Fixtures.Platform.Low.Shelf() }.Length;
    }
}
