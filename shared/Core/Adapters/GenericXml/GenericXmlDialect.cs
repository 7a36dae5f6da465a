using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Pipeline.Delivery;

using WmsFunctions.Flows;

namespace WmsFunctions.Adapters.GenericXml;

/// <summary>
/// An XML dialect in the style of the generic WMS APIs of retail order management systems (CWItemOut,
/// CWPickOut, ...): every document is one <c>&lt;Message type="CW...Out"&gt;</c> POSTed to <c>messages</c>,
/// flags are Y/N, codes are attributes. A refusal the hub knows is an answer
/// <c>&lt;Error code="ORDER_BATCHED"&gt;...&lt;/Error&gt;</c>.
/// </summary>
public sealed class GenericXmlDialect : IWmsDialect, INamedWmsDialect
{
    public static string DialectName => "generic-xml";

    public const string Path = "messages";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        OmitXmlDeclaration = false,
    };

    public string Name => DialectName;

    public ValueTask<WmsRequest> RenderAsync(OutboundDocument document, OutboundInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Render(document, instance));

    public static WmsRequest Render(OutboundDocument document, OutboundInstance instance)
    {
        var body = GenericXmlDocuments.Instance.Write(document.Document);
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Message");
            xml.WriteAttributeString("type", body.MessageType);
            xml.WriteAttributeString("messageId", document.MessageId);
            xml.WriteAttributeString("action", document.Action);
            xml.WriteAttributeString("version", document.Version.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("target", instance.Id);
            body.Write(xml);
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
}
