using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;

namespace WmsFunctions.Adapters.GenericXml;

/// <summary>
/// An XML dialect in the style of the generic WMS APIs of retail order management systems (CWItemOut,
/// CWPickOut, ...): every document is one <c>&lt;Message type="CW...Out"&gt;</c> POSTed to <c>messages</c>,
/// flags are Y/N, codes are attributes. A refusal the hub knows is an answer
/// <c>&lt;Error code="ORDER_BATCHED"&gt;...&lt;/Error&gt;</c>.
/// </summary>
public sealed class GenericXmlAdapter : IWmsAdapter
{
    public const string AdapterName = "generic-xml";

    public const string Path = "messages";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        OmitXmlDeclaration = false,
    };

    /// <summary>The message type per flow.</summary>
    public static IReadOnlyDictionary<string, string> MessageTypes { get; } = new Dictionary<string, string>
    {
        [OutboundFlows.Items] = "CWItemOut",
        [OutboundFlows.Vendors] = "CWVendorOut",
        [OutboundFlows.PurchaseOrders] = "CWPurchaseOrderOut",
        [OutboundFlows.PickSlips] = "CWPickOut",
        [OutboundFlows.OrderChanges] = "CWOrderChangeOut",
        [OutboundFlows.ReturnAuthorizations] = "CWReturnAuthorizationOut",
    };

    public string Name => AdapterName;

    public WmsRequest Render(WmsDocument document, OutboundInstance instance)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Message");
            xml.WriteAttributeString("type", MessageTypes[document.Flow]);
            xml.WriteAttributeString("messageId", document.MessageId);
            xml.WriteAttributeString("action", document.Action);
            xml.WriteAttributeString("version", Number(document.Version));
            xml.WriteAttributeString("target", instance.Id);
            switch (document.Entity)
            {
                case WmsItem item:
                    WriteItem(xml, item);
                    break;
                case WmsVendor vendor:
                    WriteVendor(xml, vendor);
                    break;
                case WmsPurchaseOrder po:
                    WritePurchaseOrder(xml, po);
                    break;
                case WmsPickSlip slip:
                    WritePickSlip(xml, slip);
                    break;
                case WmsOrderChange change:
                    WriteOrderChange(xml, change);
                    break;
                case WmsReturnAuthorization ra:
                    WriteReturnAuthorization(xml, ra);
                    break;
                default:
                    throw new NotSupportedException($"No XML shape for {document.Entity.GetType().Name}.");
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return new WmsRequest(HttpMethod.Post, Path, "application/xml; charset=utf-8", buffer.ToArray());
    }

    public string? RefusalReason(int status, string? contentType, string body)
    {
        if (contentType is null || !contentType.Contains("xml", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var root = XDocument.Parse(body).Root;
            var error = root?.Name.LocalName == "Error" ? root : root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            return (string?)error?.Attribute("code") is "ORDER_BATCHED" ? RefusalReasons.OrderBatched : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static void WriteItem(XmlWriter xml, WmsItem item)
    {
        xml.WriteStartElement("Item");
        xml.WriteAttributeString("sku", item.Sku);
        xml.WriteAttributeString("description", item.Description);
        xml.WriteAttributeString("active", Flag(item.Active));
        xml.WriteAttributeString("unit", item.Unit);
        xml.WriteStartElement("UPCs");
        foreach (var gtin in item.Gtins)
        {
            xml.WriteElementString("UPC", gtin);
        }

        xml.WriteEndElement();
        if (item.Dimensions is { } d)
        {
            xml.WriteStartElement("Dimensions");
            xml.WriteAttributeString("length", Number(d.Length));
            xml.WriteAttributeString("width", Number(d.Width));
            xml.WriteAttributeString("height", Number(d.Height));
            xml.WriteAttributeString("unit", d.Unit);
            xml.WriteEndElement();
        }

        if (item.Weight is { } w)
        {
            xml.WriteStartElement("Weight");
            xml.WriteAttributeString("value", Number(w.Value));
            xml.WriteAttributeString("unit", w.Unit);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("Packs");
        foreach (var pack in item.Packs)
        {
            xml.WriteStartElement("Pack");
            xml.WriteAttributeString("unit", pack.Unit);
            xml.WriteAttributeString("eaches", Number(pack.Eaches));
            Optional(xml, "gtin", pack.Gtin);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteStartElement("Attributes");
        foreach (var (name, value) in item.Attributes)
        {
            xml.WriteStartElement("Attribute");
            xml.WriteAttributeString("name", name);
            xml.WriteString(value);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteStartElement("Images");
        foreach (var url in item.ImageUrls)
        {
            xml.WriteStartElement("Image");
            xml.WriteAttributeString("url", url);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteVendor(XmlWriter xml, WmsVendor vendor)
    {
        xml.WriteStartElement("Vendor");
        xml.WriteAttributeString("vendorId", vendor.VendorId);
        xml.WriteAttributeString("name", vendor.Name);
        xml.WriteAttributeString("active", Flag(vendor.Active));
        if (vendor.Address is { } a)
        {
            WriteAddress(xml, "Address", a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
        }

        xml.WriteStartElement("Contacts");
        foreach (var contact in vendor.Contacts)
        {
            xml.WriteStartElement("Contact");
            xml.WriteAttributeString("name", contact.Name);
            Optional(xml, "role", contact.Role);
            Optional(xml, "email", contact.Email);
            Optional(xml, "phone", contact.Phone);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WritePurchaseOrder(XmlWriter xml, WmsPurchaseOrder po)
    {
        xml.WriteStartElement("PurchaseOrder");
        xml.WriteAttributeString("poNumber", po.PoNumber);
        xml.WriteAttributeString("warehouse", po.Location);
        Optional(xml, "vendorId", po.VendorId);
        Optional(xml, "expectedDate", Date(po.ExpectedDate));
        foreach (var line in po.Lines)
        {
            xml.WriteStartElement("Line");
            xml.WriteAttributeString("lineNumber", Number(line.LineNumber));
            xml.WriteAttributeString("sku", line.Sku);
            xml.WriteAttributeString("quantity", Number(line.Quantity));
            xml.WriteAttributeString("unit", line.Unit);
            Optional(xml, "expectedDate", Date(line.ExpectedDate));
            xml.WriteAttributeString("cancelled", Flag(line.Cancelled));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WritePickSlip(XmlWriter xml, WmsPickSlip slip)
    {
        xml.WriteStartElement("PickSlip");
        xml.WriteAttributeString("pickSlipId", slip.PickSlipId);
        xml.WriteAttributeString("orderId", slip.OrderId);
        xml.WriteAttributeString("warehouse", slip.Location);
        xml.WriteAttributeString("reprint", Flag(slip.Reprint));
        Optional(xml, "carrier", slip.Carrier);
        Optional(xml, "service", slip.Service);
        Optional(xml, "reason", slip.Reason);
        if (slip.ShipTo is { } s)
        {
            xml.WriteStartElement("ShipTo");
            xml.WriteAttributeString("name", s.Name);
            Optional(xml, "company", s.Company);
            xml.WriteAttributeString("line1", s.Line1);
            Optional(xml, "line2", s.Line2);
            xml.WriteAttributeString("city", s.City);
            Optional(xml, "region", s.Region);
            xml.WriteAttributeString("postalCode", s.PostalCode);
            xml.WriteAttributeString("country", s.Country);
            Optional(xml, "phone", s.Phone);
            xml.WriteEndElement();
        }

        foreach (var line in slip.Lines)
        {
            xml.WriteStartElement("Line");
            xml.WriteAttributeString("lineNumber", Number(line.LineNumber));
            xml.WriteAttributeString("sku", line.Sku);
            xml.WriteAttributeString("quantity", Number(line.Quantity));
            xml.WriteAttributeString("unit", line.Unit);
            xml.WriteAttributeString("backordered", Flag(line.Backordered));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteOrderChange(XmlWriter xml, WmsOrderChange change)
    {
        xml.WriteStartElement("Order");
        xml.WriteAttributeString("orderId", change.OrderId);
        xml.WriteAttributeString("warehouse", change.Location);
        Optional(xml, "reason", change.Reason);
        foreach (var line in change.Lines)
        {
            xml.WriteStartElement("Line");
            xml.WriteAttributeString("lineNumber", Number(line.LineNumber));
            xml.WriteAttributeString("sku", line.Sku);
            xml.WriteAttributeString("quantity", Number(line.Quantity));
            xml.WriteAttributeString("unit", line.Unit);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteReturnAuthorization(XmlWriter xml, WmsReturnAuthorization ra)
    {
        xml.WriteStartElement("ReturnAuthorization");
        xml.WriteAttributeString("raNumber", ra.RaNumber);
        Optional(xml, "orderId", ra.OrderId);
        xml.WriteAttributeString("warehouse", ra.Location);
        Optional(xml, "reason", ra.Reason);
        foreach (var line in ra.Lines)
        {
            xml.WriteStartElement("Line");
            xml.WriteAttributeString("lineNumber", Number(line.LineNumber));
            xml.WriteAttributeString("sku", line.Sku);
            xml.WriteAttributeString("quantity", Number(line.Quantity));
            xml.WriteAttributeString("unit", line.Unit);
            Optional(xml, "reason", line.Reason);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteAddress(XmlWriter xml, string element, string line1, string? line2, string city, string? region, string postalCode, string country)
    {
        xml.WriteStartElement(element);
        xml.WriteAttributeString("line1", line1);
        Optional(xml, "line2", line2);
        xml.WriteAttributeString("city", city);
        Optional(xml, "region", region);
        xml.WriteAttributeString("postalCode", postalCode);
        xml.WriteAttributeString("country", country);
        xml.WriteEndElement();
    }

    private static void Optional(XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteAttributeString(name, value);
        }
    }

    private static string Flag(bool value) => value ? "Y" : "N";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
