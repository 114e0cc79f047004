using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProductKeys.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CalServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CalType",
                table: "Products",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            // CAL products sold before the CAL server existed were per-user ones (the demo's "User CAL").
            migrationBuilder.Sql("""UPDATE "Products" SET "CalType" = 'PerUser' WHERE "Category" = 'Cal'""");

            migrationBuilder.CreateTable(
                name: "CalPackInstallations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    KeyId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServerId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    FirstInstalledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastInstalledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Installs = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalPackInstallations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CalPackInstallations_Keys_KeyId",
                        column: x => x.KeyId,
                        principalTable: "Keys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CalPackInstallations_KeyId_ServerId",
                table: "CalPackInstallations",
                columns: new[] { "KeyId", "ServerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CalPackInstallations_ServerId",
                table: "CalPackInstallations",
                column: "ServerId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CalPackInstallations");

            migrationBuilder.DropColumn(
                name: "CalType",
                table: "Products");
        }
    }
}
