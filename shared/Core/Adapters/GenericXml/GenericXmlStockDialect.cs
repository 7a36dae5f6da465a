using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Adapters.GenericXml;

/// <summary>
/// generic-xml: <c>GET {BaseUrl}/messages/inventory?warehouse=&amp;limit=[&amp;cursor=]</c>, answered
/// <c>&lt;Inventory asOf=".." next=".."&gt;&lt;Item sku=".." location=".." onHand=".."/&gt;...&lt;/Inventory&gt;</c>,
/// items sorted by sku, in the CW...Out style of the dialect.
/// </summary>
public sealed class GenericXmlStockDialect : IWmsStockDialect
{
    public string Adapter => GenericXmlDialect.DialectName;

    public WmsRequest PageRequest(string wmsWarehouse, string? cursor, int limit) =>
        new(HttpMethod.Get, HubJsonStockDialect.StockQuery(GenericXmlDialect.Path + "/inventory", wmsWarehouse, cursor, limit), "application/xml", []);

    public WmsStockPage ReadPage(string? contentType, string body)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(body).Root ?? throw new WmsStockFormatException("The inventory answer is empty.");
        }
        catch (XmlException error)
        {
            throw new WmsStockFormatException($"The inventory answer is not XML: {error.Message}", error);
        }

        if (root.Name.LocalName != "Inventory"
            || !DateTimeOffset.TryParse((string?)root.Attribute("asOf"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
        {
            throw new WmsStockFormatException("The inventory answer must be <Inventory asOf=\"...\">.");
        }

        var rows = root.Elements("Item").Select(item => HubJsonStockDialect.Validated(
            (string?)item.Attribute("sku"),
            (string?)item.Attribute("location"),
            long.TryParse((string?)item.Attribute("onHand"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var onHand) ? onHand : null)).ToList();
        var next = (string?)root.Attribute("next");
        return new WmsStockPage(asOf, rows, string.IsNullOrEmpty(next) ? null : next);
    }
}
