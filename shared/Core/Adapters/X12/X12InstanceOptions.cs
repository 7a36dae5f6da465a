using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using WmsFunctions.Edi;
using WmsFunctions.Gs1;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
namespace WmsFunctions.Adapters.X12;

/// <summary>
/// How the hub talks X12 with one WMS instance whose <c>Adapter</c> is <c>x12</c>
/// (Hub:Tenants:{t}:Instances:{i}:X12). Plain settings (strings, lists, maps) so they bind from a tenants file
/// or app settings; <see cref="ToPartner"/> turns them into the reader's and writer's <see cref="X12PartnerOptions"/>.
/// Nothing here is a secret: the transport's credentials are the instance's Outbound:Auth and webhook Auth.
/// </summary>
public sealed class X12InstanceOptions
{
    /// <summary>Hub:Tenants:{t}:Instances:{i}:X12.</summary>
    public const string Section = "X12";

    /// <summary>ISA05/ISA06 of the hub (sender when it sends, receiver when the partner sends).</summary>
    public string OwnQualifier { get; set; } = "ZZ";

    public string OwnId { get; set; } = "";

    /// <summary>ISA05/ISA06 of the 3PL.</summary>
    public string PartnerQualifier { get; set; } = "ZZ";

    public string PartnerId { get; set; } = "";

    /// <summary>GS02 when sending (default: OwnId).</summary>
    public string? OwnApplicationCode { get; set; }

    /// <summary>GS03 when sending (default: PartnerId).</summary>
    public string? PartnerApplicationCode { get; set; }

    /// <summary>Delimiters the hub writes with (the partner's own interchanges declare theirs in their ISA).</summary>
    public string ElementSeparator { get; set; } = "*";

    public string ComponentSeparator { get; set; } = ">";

    public string SegmentTerminator { get; set; } = "~";

    /// <summary>ISA11 from version 00402 on.</summary>
    public string RepetitionSeparator { get; set; } = "^";

    /// <summary>After every segment terminator: <c>none</c>, <c>lf</c> or <c>crlf</c>.</summary>
    public string LineBreak { get; set; } = "none";

    public string InterchangeVersion { get; set; } = "00401";

    public string GroupVersion { get; set; } = "004010";

    /// <summary>ISA15: Production, Test or Information.</summary>
    public X12Usage Usage { get; set; } = X12Usage.Production;

    public bool RequestInterchangeAcknowledgment { get; set; }

    /// <summary>Optional segments the partner neither sends nor accepts (see <see cref="X12PartnerOptions.OmittedSegments"/>).</summary>
    public List<string> OmittedSegments { get; set; } = [];

    /// <summary>Segments the partner sends that the hub does not use: skipped silently.</summary>
    public List<string> IgnoredSegments { get; set; } = [];

    /// <summary>Any other undefined segment: Refuse (the set is rejected) or Skip (accepted with a note).</summary>
    public X12UnknownSegments UnknownSegments { get; set; } = X12UnknownSegments.Refuse;

    /// <summary>Where interchanges are POSTed, relative to Outbound:BaseUrl (AS2-style: one interchange per request).</summary>
    public string Path { get; set; } = "x12";

    /// <summary>
    /// 947 W19 adjustment reason code (e.g. AU damaged in facility, 07 physical count) -> the hub's reason code
    /// passed on to the OMS. A 947 line whose code is not listed here is refused: its whole set is rejected.
    /// </summary>
    public Dictionary<string, string> AdjustmentReasons { get; set; } = [];

    /// <summary>GLN (13 digits, GS1 check digit) -> one of the instance's Locations; for N1 parties qualified UL.</summary>
    public Dictionary<string, string> GlnLocations { get; set; } = [];

    /// <summary>The location a 944, 846 or 947 books into when it names none (no N1*WH GLN, no REF location).</summary>
    public string? DefaultLocation { get; set; }

    /// <summary>846 QTY01 qualifier read as the counted on-hand quantity of the item (17 = quantity on hand).</summary>
    public string InventoryQuantityQualifier { get; set; } = "17";

    /// <summary>The reader's and writer's options. <paramref name="scope"/> names the control-number counters ("{tenant}/{instance}").</summary>
    public X12PartnerOptions ToPartner(string scope) => new()
    {
        Name = scope,
        OwnQualifier = OwnQualifier,
        OwnId = OwnId,
        PartnerQualifier = PartnerQualifier,
        PartnerId = PartnerId,
        OwnApplicationCode = OwnApplicationCode,
        PartnerApplicationCode = PartnerApplicationCode,
        Delimiters = new X12Delimiters(Single(ElementSeparator), Single(ComponentSeparator), Single(SegmentTerminator), Single(RepetitionSeparator), LineBreak.ToLowerInvariant() switch
        {
            "lf" => "\n",
            "crlf" => "\r\n",
            _ => "",
        }),
        InterchangeVersion = InterchangeVersion,
        GroupVersion = GroupVersion,
        Usage = Usage,
        RequestInterchangeAcknowledgment = RequestInterchangeAcknowledgment,
        OmittedSegments = OmittedSegments.ToFrozenSet(StringComparer.Ordinal),
        IgnoredSegments = IgnoredSegments.ToFrozenSet(StringComparer.Ordinal),
        UnknownSegments = UnknownSegments,
    };

    private static char Single(string value) => value is { Length: 1 } ? value[0] : '\0';
}

/// <summary>
/// Checks every x12 instance at start: the partner settings must make a valid <see cref="X12PartnerOptions"/>,
/// the flows it receives must have an X12 set (pick slips -> 940, purchase orders and return authorizations -> 943;
/// items, vendors and order changes have none, so listing them is a configuration error rather than a silent
/// drop), GLNs must pass their check digit and name one of the instance's locations.
/// </summary>
public sealed class X12OptionsValidator(IOptions<HubOptions> hub, IOptions<PerInstance<WmsOutboundOptions>> outbound)
    : IValidateOptions<PerInstance<X12InstanceOptions>>
{
    public const string AdapterName = "x12";

    /// <summary>The OMS -> WMS flows an X12 partner can receive, with the set that carries each.</summary>
    public static IReadOnlyDictionary<string, string> OutboundSets { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PickSlipOutFlow.Name] = "940",
        [PurchaseOrderOutFlow.Name] = "943",
        [ReturnAuthorizationOutFlow.Name] = "943",
    };

    public ValidateOptionsResult Validate(string? name, PerInstance<X12InstanceOptions> options)
    {
        var errors = new List<string>();
        foreach (var (tenantId, tenant) in hub.Value.Tenants)
        {
            foreach (var (instanceId, instance) in tenant.Instances)
            {
                var where = HubSections.InstancePath(tenantId, instanceId);
                var settings = options.Find(tenantId, instanceId);
                if (instance.Adapter != AdapterName)
                {
                    if (settings is not null)
                    {
                        errors.Add($"{where}:X12 is set but the instance's Adapter is '{instance.Adapter}', not '{AdapterName}'.");
                    }

                    continue;
                }

                if (settings is not { } x12)
                {
                    errors.Add($"{where}:X12 is required for Adapter '{AdapterName}' (OwnId, PartnerId, qualifiers, delimiters).");
                    continue;
                }

                errors.AddRange(Problems(instance, x12).Select(p => $"{where}:X12:{p}"));
                if (outbound.Value.Find(tenantId, instanceId) is { } receives)
                {
                    errors.AddRange(receives.Flows.Where(f => !OutboundSets.ContainsKey(f)).Select(f =>
                        $"{where}:Outbound:Flows lists '{f}', which X12 partners cannot receive (no set carries it; supported: {string.Join(", ", OutboundSets.Keys)})."));
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> Problems(WmsInstanceOptions instance, X12InstanceOptions x12)
    {
        foreach (var (label, value) in new[] { ("ElementSeparator", x12.ElementSeparator), ("ComponentSeparator", x12.ComponentSeparator), ("SegmentTerminator", x12.SegmentTerminator), ("RepetitionSeparator", x12.RepetitionSeparator) })
        {
            if (value is not { Length: 1 })
            {
                yield return $"{label} must be exactly one character.";
            }
        }

        if (x12.LineBreak.ToLowerInvariant() is not ("none" or "lf" or "crlf"))
        {
            yield return "LineBreak must be none, lf or crlf.";
        }

        var partner = x12.ToPartner("check");
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(partner, new ValidationContext(partner), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                yield return $"{string.Join(",", result.MemberNames)}: {result.ErrorMessage}";
            }
        }

        var locations = new HashSet<string>(instance.Locations.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var (gln, location) in x12.GlnLocations)
        {
            if (!Gs1Identifiers.TryParseGln(gln, out var parsed, out var error) || parsed.Value != gln)
            {
                yield return $"GlnLocations:{gln} is not a GLN ({error ?? "13 digits expected"}).";
            }

            if (!locations.Contains(location))
            {
                yield return $"GlnLocations:{gln} names '{location}', which is not one of the instance's Locations.";
            }
        }

        if (x12.DefaultLocation is { } fallback && !locations.Contains(fallback))
        {
            yield return $"DefaultLocation '{fallback}' is not one of the instance's Locations.";
        }

        foreach (var (code, reason) in x12.AdjustmentReasons)
        {
            if (code.Length is < 1 or > 2 || !Codes.IsValid(reason))
            {
                yield return $"AdjustmentReasons:{code} must map a W19 reason code (1-2 characters) to a hub reason code.";
            }
        }

        if (string.IsNullOrWhiteSpace(x12.Path) || x12.Path.StartsWith('/') || x12.Path.Contains("://", StringComparison.Ordinal))
        {
            yield return "Path must be a relative path under Outbound:BaseUrl.";
        }
    }
}
