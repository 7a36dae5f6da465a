namespace WmsFunctions.Edi.Documents;

/// <summary>A typed transaction set: something that happened (or is asked for), readable from and writable to X12.</summary>
public interface IX12Document
{
    /// <summary>The transaction set identifier (ST01), e.g. "945".</summary>
    string TransactionSetId { get; }
}

/// <summary>How one transaction set maps between its segments and its typed document.</summary>
internal interface IX12SetMap
{
    X12SetDefinition Definition { get; }

    /// <summary>Summary segments that only repeat what the lines say (control totals): dropped, not refused, for partners who omit them.</summary>
    IReadOnlySet<string> DerivedSegments { get; }

    /// <summary>Reads a validated set body; mapping errors (GS1 check digits, control totals) go to the context.</summary>
    IX12Document Read(X12LoopInstance body, X12ReadContext context);

    /// <summary>The body segments (between ST and SE) for a document, in order.</summary>
    List<X12Segment> Write(IX12Document document);
}

internal abstract class X12SetMap<TDocument> : IX12SetMap
    where TDocument : class, IX12Document
{
    public abstract X12SetDefinition Definition { get; }

    public virtual IReadOnlySet<string> DerivedSegments { get; } = new HashSet<string>(StringComparer.Ordinal);

    public IX12Document Read(X12LoopInstance body, X12ReadContext context) => ReadDocument(body, context);

    public List<X12Segment> Write(IX12Document document) =>
        WriteDocument(document as TDocument ?? throw new ArgumentException($"The {Definition.SetId} map cannot write a {document.GetType().Name}.", nameof(document)));

    protected abstract TDocument ReadDocument(X12LoopInstance body, X12ReadContext context);

    protected abstract List<X12Segment> WriteDocument(TDocument document);
}

/// <summary>Every transaction set this implementation reads and writes.</summary>
internal static class X12TransactionSets
{
    private static readonly IX12SetMap[] Maps =
    [
        new ShipmentOrderedMap(),
        new OrderShippedMap(),
        new TransferShippedMap(),
        new TransferReceivedMap(),
        new InventoryReportedMap(),
        new InventoryAdjustedMap(),
        new FunctionalGroupAcknowledgedMap(),
    ];

    public static IX12SetMap? Find(string setId) => Array.Find(Maps, m => m.Definition.SetId == setId);

    public static IX12SetMap For(IX12Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Find(document.TransactionSetId) ?? throw new ArgumentException($"Transaction set {document.TransactionSetId} is not supported.", nameof(document));
    }

    public static bool IsSupportedFunctionalGroup(string functionalId) => Array.Exists(Maps, m => m.Definition.FunctionalId == functionalId);
}
