using Microsoft.EntityFrameworkCore;

namespace ProductKeys.Data.Postgres;

/// <summary>The model on PostgreSQL; owns the migrations under Migrations/Postgres.</summary>
public sealed class PostgresLicensingDbContext(DbContextOptions<PostgresLicensingDbContext> options) : LicensingDbContext(options);
