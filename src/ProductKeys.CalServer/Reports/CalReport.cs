using System.Globalization;
using System.Text;
using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Reports;

/// <summary>
/// <c>pk cal-server report</c> (docs/product.md §5): per pack, what was bought and installed; per mode, also what
/// is held: issued (from installed CALs), over-used, temporary, permanent, expiring soon; the packs that no longer count because
/// the publisher withdrew their key, and the publisher keys the server trusts.
/// </summary>
/// <param name="ServerId">The CAL server.</param>
/// <param name="At">When it was read.</param>
/// <param name="Packs">One row per pack that counts.</param>
/// <param name="Modes">One row per mode that has packs.</param>
/// <param name="WithdrawnPacks">Installed packs that do not count: signed by a key the publisher withdrew.</param>
/// <param name="PublisherKeys">The key IDs of the publisher keys the server trusts.</param>
/// <param name="KeyListSequence">The last publisher key list it applied (0: none).</param>
/// <param name="ClockProblem">What is wrong with the server's clock, or <c>null</c>.</param>
public sealed record CalReport(
    string ServerId, DateTimeOffset At, IReadOnlyList<CalReport.PackRow> Packs, IReadOnlyList<CalReport.ModeRow> Modes,
    IReadOnlyList<WithdrawnPack> WithdrawnPacks, IReadOnlyList<string> PublisherKeys, long KeyListSequence, string? ClockProblem = null)
{
    /// <summary>CALs that lapse within this time unless used count as expiring soon.</summary>
    public static readonly TimeSpan ExpiringWithin = TimeSpan.FromDays(14);

    /// <summary>Builds the report from a usage reading.</summary>
    public static CalReport From(string serverId, CalUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var packs = usage.Packs.Select(p => new PackRow(p.PackId, p.ProductId, p.Mode.ToString(), p.Purchased, p.Installed)).ToList();
        var modes = new List<ModeRow>();
        foreach (var mode in usage.Packs.Select(p => p.Mode).Distinct().Order())
        {
            var of = usage.Packs.Where(p => p.Mode == mode).ToList();
            modes.Add(mode == CalMode.PerUser
                ? new ModeRow(mode.ToString(), of.Count, of.Sum(p => (long)p.Purchased), of.Sum(p => (long)p.Installed), usage.IssuedUsers, usage.OverUsedUsers, 0, 0, usage.ExpiringUsers)
                : new ModeRow(mode.ToString(), of.Count, of.Sum(p => (long)p.Purchased), of.Sum(p => (long)p.Installed), usage.Permanent, 0, usage.Temporary, usage.Permanent, usage.ExpiringDevices));
        }

        return new CalReport(serverId, usage.At, packs, modes, usage.Withdrawn, usage.PublisherKeys, usage.KeyListSequence, usage.ClockProblem);
    }

    /// <summary>The report as CSV: pack rows, then mode rows (<c>row</c> says which).</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("row,pack,product,mode,packs,purchased,installed,issued,overUsed,temporary,permanent,expiringSoon\n");
        foreach (var p in Packs)
        {
            csv.Append(CultureInfo.InvariantCulture, $"pack,{p.PackId},{p.Product},{p.Mode},1,{p.Purchased},{p.Installed},,,,,\n");
        }

        foreach (var m in Modes)
        {
            csv.Append(CultureInfo.InvariantCulture, $"mode,,,{m.Mode},{m.Packs},{m.Purchased},{m.Installed},{m.Issued},{m.OverUsed},{m.Temporary},{m.Permanent},{m.ExpiringSoon}\n");
        }

        return csv.ToString();
    }

    /// <summary>The report as a table for people.</summary>
    public string ToText()
    {
        if (Packs.Count == 0 && WithdrawnPacks.Count == 0)
        {
            return $"CAL server {ServerId} has no CAL pack installed ('pk cal-server install-pack').";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"CAL server {ServerId}, {At:yyyy-MM-dd HH:mm} UTC\n");
        text.Append(CultureInfo.InvariantCulture, $"{"PACK",-36}  {"PRODUCT",-28}  {"MODE",-9}  {"PURCHASED",9}  {"INSTALLED",9}\n");
        foreach (var p in Packs)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.PackId,-36}  {p.Product,-28}  {p.Mode,-9}  {p.Purchased,9}  {p.Installed,9}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n{"MODE",-9}  {"PURCHASED",9}  {"INSTALLED",9}  {"ISSUED",7}  {"OVER-USED",9}  {"TEMPORARY",9}  {"PERMANENT",9}  {"EXPIRING",8}\n");
        foreach (var m in Modes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{m.Mode,-9}  {m.Purchased,9}  {m.Installed,9}  {m.Issued,7}  {m.OverUsed,9}  {m.Temporary,9}  {m.Permanent,9}  {m.ExpiringSoon,8}\n");
        }

        text.Append('\n');
        foreach (var withdrawn in WithdrawnPacks)
        {
            text.Append(CultureInfo.InvariantCulture, $"Withdrawn key: {withdrawn.Describe()}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Publisher keys: {string.Join(", ", PublisherKeys)}{(KeyListSequence > 0 ? $" (key list {KeyListSequence})" : "")}\n");
        if (ClockProblem is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Clock problem: {ClockProblem}\n");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>One installed pack.</summary>
    public sealed record PackRow(string PackId, string Product, string Mode, int Purchased, int Installed);

    /// <summary>One mode's totals: issued counts CALs from installed packs (per device: the permanent ones).</summary>
    public sealed record ModeRow(string Mode, int Packs, long Purchased, long Installed, long Issued, long OverUsed, long Temporary, long Permanent, long ExpiringSoon);
}
