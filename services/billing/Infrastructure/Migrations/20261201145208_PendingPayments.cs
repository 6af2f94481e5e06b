using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotel.Billing.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PendingPayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "metadata",
                table: "sandbox_gateway_charges",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "pending_attempts",
                table: "payments",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "pending_since",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_gateway_charges_created_at",
                table: "sandbox_gateway_charges",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_payments_next_attempt_at",
                table: "payments",
                column: "next_attempt_at",
                filter: "status = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sandbox_gateway_charges_created_at",
                table: "sandbox_gateway_charges");

            migrationBuilder.DropIndex(
                name: "ix_payments_next_attempt_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "metadata",
                table: "sandbox_gateway_charges");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "pending_attempts",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "pending_since",
                table: "payments");
        }
    }
}
