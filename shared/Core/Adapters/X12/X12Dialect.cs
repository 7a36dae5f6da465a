using System.Text;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Edi;
using WmsFunctions.Pipeline.Delivery;

using WmsFunctions.Flows;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// EDI X12 (4010) for 3PLs that speak nothing else. One interchange (ISA/GS/ST, one set) per document, POSTed
/// AS2-style to the partner's endpoint (<c>Outbound:BaseUrl</c> + <c>X12:Path</c>, Content-Type
/// <c>application/edi-x12</c>) through the instance's resilience pipeline and credentials like every adapter:
/// <list type="bullet">
/// <item>pick slip generated -> 940 W05 N (original), reprint -> 940 W05 T (resubmission);</item>
/// <item>purchase order created or changed -> 943 (W06 F, depositor order number = PO number);</item>
/// <item>return authorization created or changed -> 943 (depositor order number = RA number, W06 PO = the order).</item>
/// </list>
/// Everything else has no set here and is refused as <c>not-applicable</c> (a failed sync a person acts on):
/// items, vendors and order changes (the configuration already refuses them at start), a voided pick slip (a 940
/// cancel must repeat the lines, which a void does not carry), a cancelled PO and a deleted RA. Control numbers come
/// from <see cref="TableControlNumbers"/>; each interchange is recorded in <see cref="X12InterchangeLog"/> before it
/// is sent, so the partner's 997 can be matched. A redelivered message is written again with new control numbers:
/// numbers are never reused, and the partner keys the order on its depositor order number.
/// </summary>
public sealed class X12Dialect(X12Partners partners, IControlNumbers controlNumbers, X12InterchangeLog log, TimeProvider time) : IWmsDialect, INamedWmsDialect
{
    public static string DialectName => X12OptionsValidator.AdapterName;

    public const string ContentType = "application/edi-x12";

    public const string NotApplicable = "not-applicable";

    public const string NotRepresentable = "x12-not-representable";

    public string Name => DialectName;

    public async ValueTask<WmsRequest> RenderAsync(OutboundDocument document, OutboundInstance instance, CancellationToken cancellationToken)
    {
        if (!partners.TryGet(instance.Tenant, instance.Id, out var partner))
        {
            throw new MappingException("no-adapter", $"WMS instance '{instance.Id}' has no X12 settings.");
        }

        var (set, entityId) = new X12Documents(document.Action, partner).Write(document.Document);
        X12Outbound written;
        try
        {
            written = await new X12Writer(partner.Options, time, controlNumbers).WriteAsync([set], cancellationToken).ConfigureAwait(false);
        }
        catch (X12Exception unwritable)
        {
            throw new MappingException(NotRepresentable, $"The {set.TransactionSetId} cannot be written for this partner: {unwritable.Error}");
        }

        await log.RecordAsync(instance.Tenant, instance.Id, written, document.Flow, entityId, document.Version, document.MessageId, document.Message, cancellationToken).ConfigureAwait(false);
        return new WmsRequest(HttpMethod.Post, partner.Settings.Path, ContentType, Encoding.ASCII.GetBytes(written.Text));
    }

    /// <summary>X12 partners answer with a status (and a 997 later, to the inbound endpoint): no refusal has a name the hub knows.</summary>
    public string? RefusalReason(int status, string? contentType, string body) => null;
}
