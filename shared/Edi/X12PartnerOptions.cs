using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;

namespace WmsFunctions.Edi;

/// <summary>What to do with segments that are not in a set as this implementation supports it.</summary>
public enum X12UnknownSegments
{
    /// <summary>Refuse the transaction set (the 997 rejects it, AK304 6).</summary>
    Refuse,

    /// <summary>Skip the segment and accept the set with a note (the 997 says E, accepted with errors noted).</summary>
    Skip,
}

/// <summary>
/// How one trading partner speaks X12. "Own" is this hub (ISA05/06 and GS02 when it sends, ISA07/08 when it
/// receives), "Partner" the other side. Validated with data annotations, so a bad partner setting fails at start.
/// </summary>
public sealed record X12PartnerOptions : IValidatableObject
{
    /// <summary>A stable name for the partner: the scope of the control numbers sent to it.</summary>
    [Required]
    public string Name { get; init; } = "";

    /// <summary>ISA05 when sending (e.g. ZZ mutually defined, 01 DUNS, 08 UCC EDI communications id, 12 phone).</summary>
    [Required, RegularExpression("^[0-9A-Z]{2}$")]
    public string OwnQualifier { get; init; } = "ZZ";

    /// <summary>ISA06 when sending (padded with spaces to 15 characters).</summary>
    [Required, StringLength(15)]
    public string OwnId { get; init; } = "";

    [Required, RegularExpression("^[0-9A-Z]{2}$")]
    public string PartnerQualifier { get; init; } = "ZZ";

    [Required, StringLength(15)]
    public string PartnerId { get; init; } = "";

    /// <summary>GS02 when sending; the interchange id when not set.</summary>
    [StringLength(15, MinimumLength = 2)]
    public string? OwnApplicationCode { get; init; }

    /// <summary>GS03 when sending; the partner's interchange id when not set.</summary>
    [StringLength(15, MinimumLength = 2)]
    public string? PartnerApplicationCode { get; init; }

    /// <summary>The delimiters and line break used when writing (reading always takes them from the ISA).</summary>
    [Required]
    public X12Delimiters Delimiters { get; init; } = X12Delimiters.Default;

    /// <summary>ISA12. From 00402 on, ISA11 carries the repetition separator.</summary>
    [Required, RegularExpression("^00[4-9][0-9]{2}$")]
    public string InterchangeVersion { get; init; } = "00401";

    /// <summary>GS08: the 4010 sets supported here, optionally with an industry identifier (e.g. 004010VICS).</summary>
    [Required, RegularExpression("^004010[0-9A-Z]{0,6}$")]
    public string GroupVersion { get; init; } = "004010";

    /// <summary>ISA15: production or test data.</summary>
    public X12Usage Usage { get; init; } = X12Usage.Production;

    /// <summary>ISA14: ask for a TA1 interchange acknowledgment.</summary>
    public bool RequestInterchangeAcknowledgment { get; init; }

    /// <summary>
    /// Optional segments (or loops, by their first segment) of the supported sets that this partner neither
    /// sends nor accepts. Control totals (W76, CTT) are then left out; a document whose data needs another omitted
    /// segment is refused rather than silently cut. On reading, they count as not defined.
    /// </summary>
    public IReadOnlySet<string> OmittedSegments { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Segments the partner sends that this implementation does not use (e.g. NTE, PER, W10): skipped silently.</summary>
    public IReadOnlySet<string> IgnoredSegments { get; init; } = FrozenSet<string>.Empty;

    /// <summary>Any other segment a set does not define: refused (default) or skipped with a note.</summary>
    public X12UnknownSegments UnknownSegments { get; init; } = X12UnknownSegments.Refuse;

    internal bool UsesRepetitionSeparator => X12Envelope.UsesRepetitionSeparator(InterchangeVersion);

    internal string GroupSender => OwnApplicationCode ?? OwnId;

    internal string GroupReceiver => PartnerApplicationCode ?? PartnerId;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Delimiters is null)
        {
            yield break;
        }

        foreach (var problem in Delimiters.Problems(UsesRepetitionSeparator))
        {
            yield return new ValidationResult(problem, [nameof(Delimiters)]);
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(OwnId), OwnId), (nameof(PartnerId), PartnerId),
                     (nameof(OwnApplicationCode), OwnApplicationCode), (nameof(PartnerApplicationCode), PartnerApplicationCode),
                 })
        {
            if (value is not null && (value.Trim().Length == 0 || value.Any(c => c < ' ' || c > '~' || Delimiters.IsDelimiter(c, UsesRepetitionSeparator))))
            {
                yield return new ValidationResult($"{name} must be printable ASCII without the delimiters.", [name]);
            }
        }

        foreach (var (name, ids) in new[] { (nameof(OmittedSegments), OmittedSegments), (nameof(IgnoredSegments), IgnoredSegments) })
        {
            foreach (var id in ids ?? FrozenSet<string>.Empty)
            {
                if (!X12SetValidator.IsValidSegmentId(id))
                {
                    yield return new ValidationResult($"'{id}' in {name} is not a segment id.", [name]);
                }
            }
        }
    }

    /// <summary>Throws a <see cref="ValidationException"/> naming the first bad setting.</summary>
    public void EnsureValid() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
}
