using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProductKeys.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Activations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KmsHostActivations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HostId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    FirstActivatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastActivatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Activations = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KmsHostActivations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KmsHostActivations_Keys_KeyId",
                        column: x => x.KeyId,
                        principalTable: "Keys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MakActivations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HardwareId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ActivatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastActivatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Activations = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MakActivations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MakActivations_Keys_KeyId",
                        column: x => x.KeyId,
                        principalTable: "Keys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MakActivationComponents",
                columns: table => new
                {
                    ActivationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hash = table.Column<long>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MakActivationComponents", x => new { x.ActivationId, x.Hash });
                    table.ForeignKey(
                        name: "FK_MakActivationComponents_MakActivations_ActivationId",
                        column: x => x.ActivationId,
                        principalTable: "MakActivations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KmsHostActivations_KeyId_HostId",
                table: "KmsHostActivations",
                columns: new[] { "KeyId", "HostId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MakActivationComponents_KeyId_Hash",
                table: "MakActivationComponents",
                columns: new[] { "KeyId", "Hash" });

            migrationBuilder.CreateIndex(
                name: "IX_MakActivations_KeyId_HardwareId",
                table: "MakActivations",
                columns: new[] { "KeyId", "HardwareId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KmsHostActivations");

            migrationBuilder.DropTable(
                name: "MakActivationComponents");

            migrationBuilder.DropTable(
                name: "MakActivations");
        }
    }
}
