using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Keys;
using ProductKeys.Data.Accounts;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Audit;
using ProductKeys.Data.Catalog;
using ProductKeys.Data.Keys;
using ProductKeys.Data.Orders;
using ProductKeys.Data.Portal;
using ProductKeys.Data.Secrets;
using ProductKeys.Data.Throttles;
using ProductKeys.Data.Usage;

namespace ProductKeys.Data;

/// <summary>
/// The licensing service's one model. Each provider has a subclass that owns its migrations
/// (docs/adr/0006-migrations-per-provider.md); code depends on this base type only.
/// </summary>
public abstract class LicensingDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<KeyGroupCounter> KeyGroupCounters => Set<KeyGroupCounter>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<BillingAccount> BillingAccounts => Set<BillingAccount>();

    public DbSet<BillingProfile> BillingProfiles => Set<BillingProfile>();

    public DbSet<AccountRoleAssignment> AccountRoles => Set<AccountRoleAssignment>();

    public DbSet<ProfileRoleAssignment> ProfileRoles => Set<ProfileRoleAssignment>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<KeyPackage> KeyPackages => Set<KeyPackage>();

    public DbSet<IssuedKey> Keys => Set<IssuedKey>();

    public DbSet<MakActivation> MakActivations => Set<MakActivation>();

    public DbSet<MakActivationComponent> MakActivationComponents => Set<MakActivationComponent>();

    public DbSet<KmsHostActivation> KmsHostActivations => Set<KmsHostActivation>();

    public DbSet<CalPackInstallation> CalPackInstallations => Set<CalPackInstallation>();

    public DbSet<StoredUsageReport> UsageReports => Set<StoredUsageReport>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<AuditHead> AuditHeads => Set<AuditHead>();

    public DbSet<SecretsFingerprint> SecretsFingerprints => Set<SecretsFingerprint>();

    public DbSet<ThrottleCounter> ThrottleCounters => Set<ThrottleCounter>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>True on PostgreSQL, where appenders must lock rows explicitly.</summary>
    public bool IsPostgres => _isPostgres ??= Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>Asked on every activation; EF Core finds the provider's name through its services each time.</summary>
    private bool? _isPostgres;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Enums as their names: readable in the database and stable if members are reordered.
        configurationBuilder.Properties<DirectoryRole>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<AccountRole>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ProfileRole>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ProductCategory>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<KeyStatus>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<KeyType>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<CalMode>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Product>(e =>
        {
            e.Property(p => p.Id).HasMaxLength(64);
            e.Property(p => p.Name).HasMaxLength(200);
        });
        modelBuilder.Entity<KeyGroupCounter>().HasKey(c => c.KeyGroup);
        modelBuilder.Entity<KeyGroupCounter>().Property(c => c.KeyGroup).ValueGeneratedNever();
        modelBuilder.Entity<Organization>().Property(o => o.Name).HasMaxLength(200);
        modelBuilder.Entity<User>(e =>
        {
            e.Property(u => u.Name).HasMaxLength(100);
            e.HasIndex(u => u.Name).IsUnique();
            e.HasOne<Organization>().WithMany().HasForeignKey(u => u.OrganizationId);
        });
        modelBuilder.Entity<ApiToken>(e =>
        {
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Label).HasMaxLength(32);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(t => t.UserId);
        });
        modelBuilder.Entity<BillingAccount>(e =>
        {
            e.Property(a => a.Name).HasMaxLength(200);
            e.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId);
        });
        modelBuilder.Entity<BillingProfile>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(200);
            e.HasOne<BillingAccount>().WithMany().HasForeignKey(p => p.BillingAccountId);
        });
        modelBuilder.Entity<AccountRoleAssignment>(e =>
        {
            e.HasKey(r => new { r.BillingAccountId, r.UserId });
            e.HasOne<BillingAccount>().WithMany().HasForeignKey(r => r.BillingAccountId);
            e.HasOne<User>().WithMany().HasForeignKey(r => r.UserId);
        });
        modelBuilder.Entity<ProfileRoleAssignment>(e =>
        {
            e.HasKey(r => new { r.BillingProfileId, r.UserId });
            e.HasOne<BillingProfile>().WithMany().HasForeignKey(r => r.BillingProfileId);
            e.HasOne<User>().WithMany().HasForeignKey(r => r.UserId);
        });
        modelBuilder.Entity<Order>(e =>
        {
            e.Property(o => o.ProductId).HasMaxLength(64);
            e.HasIndex(o => o.BillingAccountId);
            e.HasOne<BillingAccount>().WithMany().HasForeignKey(o => o.BillingAccountId);
            e.HasOne<Product>().WithMany().HasForeignKey(o => o.ProductId);
        });
        modelBuilder.Entity<KeyPackage>(e =>
        {
            e.Property(p => p.ProductId).HasMaxLength(64);
            e.HasOne<Order>().WithMany().HasForeignKey(p => p.OrderId);
        });
        modelBuilder.Entity<IssuedKey>(e =>
        {
            e.Property(k => k.ProductId).HasMaxLength(64);
            e.Property(k => k.PartialKey).HasMaxLength(5);
            // Serials are per group, whatever the type: a second guard behind the counter.
            e.HasIndex(k => new { k.KeyGroup, k.Serial }).IsUnique();
            e.HasIndex(k => k.BillingAccountId);
            e.HasOne<KeyPackage>().WithMany().HasForeignKey(k => k.KeyPackageId);
            e.HasOne<Order>().WithMany().HasForeignKey(k => k.OrderId).OnDelete(DeleteBehavior.NoAction);
        });
        modelBuilder.Entity<MakActivation>(e =>
        {
            e.Property(a => a.ProductId).HasMaxLength(64);
            e.Property(a => a.HardwareId).HasMaxLength(512);
            // Exact duplicates can never be counted twice, whatever happens above the database.
            e.HasIndex(a => new { a.KeyId, a.HardwareId }).IsUnique();
            e.HasOne<IssuedKey>().WithMany().HasForeignKey(a => a.KeyId);
        });
        modelBuilder.Entity<MakActivationComponent>(e =>
        {
            e.HasKey(c => new { c.ActivationId, c.Hash });
            e.HasIndex(c => new { c.KeyId, c.Hash });
            e.HasOne<MakActivation>().WithMany().HasForeignKey(c => c.ActivationId);
        });
        modelBuilder.Entity<KmsHostActivation>(e =>
        {
            e.Property(a => a.HostId).HasMaxLength(128);
            e.HasIndex(a => new { a.KeyId, a.HostId }).IsUnique();
            e.HasOne<IssuedKey>().WithMany().HasForeignKey(a => a.KeyId);
        });
        modelBuilder.Entity<CalPackInstallation>(e =>
        {
            e.Property(a => a.ServerId).HasMaxLength(128);
            e.HasIndex(a => new { a.KeyId, a.ServerId }).IsUnique();
            e.HasIndex(a => a.ServerId);
            e.HasOne<IssuedKey>().WithMany().HasForeignKey(a => a.KeyId);
        });
        modelBuilder.Entity<StoredUsageReport>(e =>
        {
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Source).HasMaxLength(16);
            e.Property(r => r.ServerId).HasMaxLength(128);
            e.Property(r => r.UploadedBy).HasMaxLength(100);
            e.HasIndex(r => new { r.ServerId, r.IssuedAt });
            e.HasIndex(r => r.BillingAccountId);
            e.HasOne<BillingAccount>().WithMany().HasForeignKey(r => r.BillingAccountId);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.Actor).HasMaxLength(100);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Subject).HasMaxLength(200);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
        });
        modelBuilder.Entity<AuditHead>(e =>
        {
            e.Property(h => h.Id).ValueGeneratedNever();
            e.Property(h => h.LastHash).HasMaxLength(64);
            e.HasData(new AuditHead { Id = AuditHead.SingletonId, LastSequence = 0, LastHash = GenesisHash });
        });
        modelBuilder.Entity<SecretsFingerprint>(e =>
        {
            e.Property(f => f.Id).ValueGeneratedNever();
            e.Property(f => f.KeyGroupsFingerprint).HasMaxLength(64);
            e.Property(f => f.SigningKeyIds).HasMaxLength(1000);
        });
        modelBuilder.Entity<ThrottleCounter>(e =>
        {
            e.HasKey(c => c.Key);
            e.Property(c => c.Key).HasMaxLength(200);
        });
        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.Property(k => k.FriendlyName).HasMaxLength(100);
            e.HasIndex(k => k.FriendlyName).IsUnique();
        });
    }

    /// <summary>The "previous hash" of the first audit entry.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
}
