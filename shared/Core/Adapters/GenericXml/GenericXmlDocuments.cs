using System.Globalization;
using System.Xml;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.OrderChanges;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Flows.Vendors;

namespace WmsFunctions.Adapters.GenericXml;

/// <summary>A document in the generic XML dialect: its message type (CWItemOut, ...) and how its element is written.</summary>
public sealed record GenericXmlBody(string MessageType, Action<XmlWriter> Write);

/// <summary>
/// How each document is written in the generic XML dialect, in the style of the generic WMS APIs of retail order
/// management systems: one element per document inside the <c>Message</c>, codes as attributes, flags Y/N.
/// </summary>
public sealed class GenericXmlDocuments : IWmsDocumentWriter<GenericXmlBody>
{
    public static GenericXmlDocuments Instance { get; } = new();

    public GenericXmlBody Item(WmsItem item) => new("CWItemOut", xml => WriteItem(xml, item));

    public GenericXmlBody Vendor(WmsVendor vendor) => new("CWVendorOut", xml => WriteVendor(xml, vendor));

    public GenericXmlBody PurchaseOrder(WmsPurchaseOrder purchaseOrder) => new("CWPurchaseOrderOut", xml => WritePurchaseOrder(xml, purchaseOrder));

    public GenericXmlBody PickSlip(WmsPickSlip pickSlip) => new("CWPickOut", xml => WritePickSlip(xml, pickSlip));

    public GenericXmlBody OrderChange(WmsOrderChange orderChange) => new("CWOrderChangeOut", xml => WriteOrderChange(xml, orderChange));

    public GenericXmlBody ReturnAuthorization(WmsReturnAuthorization returnAuthorization) =>
        new("CWReturnAuthorizationOut", xml => WriteReturnAuthorization(xml, returnAuthorization));

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
            xml.WriteStartElement("Address");
            AddressAttributes(xml, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
            xml.WriteEndElement();
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
            StartLine(xml, line.LineNumber, line.Sku, line.Quantity, line.Unit);
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
            AddressAttributes(xml, s.Line1, s.Line2, s.City, s.Region, s.PostalCode, s.Country);
            Optional(xml, "phone", s.Phone);
            xml.WriteEndElement();
        }

        foreach (var line in slip.Lines)
        {
            StartLine(xml, line.LineNumber, line.Sku, line.Quantity, line.Unit);
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
            StartLine(xml, line.LineNumber, line.Sku, line.Quantity, line.Unit);
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
            StartLine(xml, line.LineNumber, line.Sku, line.Quantity, line.Unit);
            Optional(xml, "reason", line.Reason);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>Opens a document line with what every line has; the caller adds its own attributes and closes it.</summary>
    private static void StartLine(XmlWriter xml, int lineNumber, string sku, long quantity, string unit)
    {
        xml.WriteStartElement("Line");
        xml.WriteAttributeString("lineNumber", Number(lineNumber));
        xml.WriteAttributeString("sku", sku);
        xml.WriteAttributeString("quantity", Number(quantity));
        xml.WriteAttributeString("unit", unit);
    }

    /// <summary>A postal address as attributes of the element being written (a vendor's Address, a slip's ShipTo).</summary>
    private static void AddressAttributes(XmlWriter xml, string line1, string? line2, string city, string? region, string postalCode, string country)
    {
        xml.WriteAttributeString("line1", line1);
        Optional(xml, "line2", line2);
        xml.WriteAttributeString("city", city);
        Optional(xml, "region", region);
        xml.WriteAttributeString("postalCode", postalCode);
        xml.WriteAttributeString("country", country);
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
