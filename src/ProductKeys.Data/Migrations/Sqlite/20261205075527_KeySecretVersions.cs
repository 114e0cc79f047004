using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProductKeys.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KeySecretVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "SecretVersion",
                table: "Keys",
                type: "INTEGER",
                nullable: false,
                // Keys issued before key-group secret versions were derived under version 1 (docs/adr/0024).
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SecretVersion",
                table: "Keys");
        }
    }
}
