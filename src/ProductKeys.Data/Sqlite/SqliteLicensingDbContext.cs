using Microsoft.EntityFrameworkCore;

namespace ProductKeys.Data.Sqlite;

/// <summary>The model on SQLite; owns the migrations under Migrations/Sqlite.</summary>
public sealed class SqliteLicensingDbContext(DbContextOptions<SqliteLicensingDbContext> options) : LicensingDbContext(options);
