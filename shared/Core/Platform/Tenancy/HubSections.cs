using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Platform.Tenancy;

/// <summary>
/// One feature's part of every WMS instance's configuration, <c>Hub:Tenants:{tenant}:Instances:{instance}:{section}</c>,
/// bound and validated by the feature that owns it (webhook credentials bind <c>Auth</c>, the OMS -> WMS delivery
/// <c>Outbound</c>, the X12 dialect <c>X12</c>, ...). Tenancy itself knows none of them: it binds only what every
/// instance has (<see cref="WmsInstanceOptions"/>).
/// </summary>
public sealed class PerInstance<TOptions>
    where TOptions : class, new()
{
    private readonly Dictionary<(string Tenant, string Instance), TOptions> _options = [];
    private FrozenDictionary<(string Tenant, string Instance), TOptions>? _frozen;

    /// <summary>Every instance that has this section (or, for a section with defaults, every instance).</summary>
    public IEnumerable<(string Tenant, string Instance, TOptions Options)> All =>
        Frozen.OrderBy(p => p.Key.Tenant, StringComparer.Ordinal).ThenBy(p => p.Key.Instance, StringComparer.Ordinal)
            .Select(p => (p.Key.Tenant, p.Key.Instance, p.Value));

    /// <summary>The instance's section, or null when it has none.</summary>
    public TOptions? Find(string tenant, string instance) => Frozen.GetValueOrDefault((tenant, instance));

    /// <summary>Sets one instance's section (binding does this; tests build options in code with it).</summary>
    public PerInstance<TOptions> Set(string tenant, string instance, TOptions options)
    {
        _options[(tenant, instance)] = options;
        _frozen = null;
        return this;
    }

    private FrozenDictionary<(string Tenant, string Instance), TOptions> Frozen => _frozen ??= _options.ToFrozenDictionary();
}

/// <summary>One feature's part of every tenant's configuration, <c>Hub:Tenants:{tenant}:{section}</c> (see <see cref="PerInstance{TOptions}"/>).</summary>
public sealed class PerTenant<TOptions>
    where TOptions : class, new()
{
    private readonly Dictionary<string, TOptions> _options = new(StringComparer.Ordinal);

    public IEnumerable<(string Tenant, TOptions Options)> All =>
        _options.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value));

    public TOptions? Find(string tenant) => _options.GetValueOrDefault(tenant);

    public PerTenant<TOptions> Set(string tenant, TOptions options)
    {
        _options[tenant] = options;
        return this;
    }
}

/// <summary>What a feature's section is worth when an instance (or tenant) leaves it out.</summary>
public enum AbsentSection
{
    /// <summary>Not there: <c>Find</c> answers null (e.g. an instance that receives nothing has no <c>Outbound</c>).</summary>
    Missing,

    /// <summary>The options' defaults, for every instance of the configuration (e.g. default pick-slip deadlines).</summary>
    Defaults,
}

public static class HubSections
{
    /// <summary>Where an instance's section lives, as configuration names it (validators start their messages with it).</summary>
    public static string Path(string tenant, string instance, string section) => $"{InstancePath(tenant, instance)}:{section}";

    /// <summary>Where an instance lives in configuration: <c>Hub:Tenants:{tenant}:Instances:{instance}</c>.</summary>
    public static string InstancePath(string tenant, string instance) => $"{HubOptions.SectionName}:Tenants:{tenant}:Instances:{instance}";

    public static string Path(string tenant, string section) => $"{HubOptions.SectionName}:Tenants:{tenant}:{section}";

    /// <summary>Binds <paramref name="section"/> of every instance into <see cref="PerInstance{TOptions}"/>, validated at start.</summary>
    public static OptionsBuilder<PerInstance<TOptions>> AddInstanceSection<TOptions>(
        this IServiceCollection services, string section, AbsentSection absent)
        where TOptions : class, new() =>
        services.AddOptions<PerInstance<TOptions>>()
            .Configure<IConfiguration>((options, configuration) => BindInstances(options, configuration, section, absent))
            .ValidateOnStart();

    /// <summary>Binds <paramref name="section"/> of every tenant into <see cref="PerTenant{TOptions}"/>, validated at start.</summary>
    public static OptionsBuilder<PerTenant<TOptions>> AddTenantSection<TOptions>(
        this IServiceCollection services, string section, AbsentSection absent)
        where TOptions : class, new() =>
        services.AddOptions<PerTenant<TOptions>>()
            .Configure<IConfiguration>((options, configuration) => BindTenants(options, configuration, section, absent))
            .ValidateOnStart();

    public static void BindInstances<TOptions>(PerInstance<TOptions> options, IConfiguration configuration, string section, AbsentSection absent)
        where TOptions : class, new()
    {
        foreach (var tenant in configuration.GetSection(HubOptions.SectionName + ":Tenants").GetChildren())
        {
            foreach (var instance in tenant.GetSection("Instances").GetChildren())
            {
                if (Bind<TOptions>(instance.GetSection(section), absent) is { } bound)
                {
                    options.Set(tenant.Key, instance.Key, bound);
                }
            }
        }
    }

    public static void BindTenants<TOptions>(PerTenant<TOptions> options, IConfiguration configuration, string section, AbsentSection absent)
        where TOptions : class, new()
    {
        foreach (var tenant in configuration.GetSection(HubOptions.SectionName + ":Tenants").GetChildren())
        {
            if (Bind<TOptions>(tenant.GetSection(section), absent) is { } bound)
            {
                options.Set(tenant.Key, bound);
            }
        }
    }

    /// <summary>The section bound over the options' defaults (as the binder binds a nested property), or null when absent and missing.</summary>
    private static TOptions? Bind<TOptions>(IConfigurationSection section, AbsentSection absent)
        where TOptions : class, new()
    {
        if (!section.Exists())
        {
            return absent == AbsentSection.Defaults ? new TOptions() : null;
        }

        var options = new TOptions();
        section.Bind(options);
        return options;
    }
}
