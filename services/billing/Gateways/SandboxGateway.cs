namespace Hotel.Billing.Gateways;

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Hotel.Billing.PaymentMethods;
using Microsoft.Extensions.Options;
using Npgsql;

/// <summary>
/// The default gateway: behaves like a card processor with Stripe-style test cards, and keeps its own
/// records (tables <c>sandbox_gateway_*</c>) on its own connection and transaction, independent of the
/// caller's: a charge it made stays made even when billing's transaction rolls back, and a repeated
/// idempotency key is answered from the stored result, as a real processor would.
/// </summary>
public sealed class SandboxGateway(NpgsqlDataSource dataSource, IOptions<PaymentsOptions> options, TimeProvider clock, ILogger<SandboxGateway> logger)
    : IPaymentGateway
{
    public const string Succeeds = "succeeds";
    public const string Declined = "card_declined";
    public const string InsufficientFunds = "insufficient_funds";
    public const string ExpiredCard = "expired_card";
    public const string Transient = "transient";

    /// <summary>Charge status (and failure code) of a charge voided before it was made: a later request under its key charges nothing.</summary>
    private const string Voided = "voided";
    public const string PaymentVoided = "payment_voided";

    /// <summary>The behaviour of a test number, Stripe style; any other valid number succeeds.</summary>
    public static string BehaviourOf(string digits) => digits switch
    {
        "4000000000000002" => Declined,
        "4000000000009995" => InsufficientFunds,
        "4000000000000069" => ExpiredCard,
        "4000000000000119" => Transient,
        _ => Succeeds,
    };

    /// <summary>The processor's side of tokenisation: remembers how the card behaves, not its number.</summary>
    public async Task RegisterCardAsync(string token, string digits, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "INSERT INTO sandbox_gateway_cards (token, behaviour) VALUES ($1, $2) ON CONFLICT (token) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter { Value = token });
        cmd.Parameters.Add(new NpgsqlParameter { Value = BehaviourOf(digits) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Execute(connection, tx, ct,
            """
            INSERT INTO sandbox_gateway_charges (idempotency_key, token, amount, currency, status, attempts, requests, created_at, updated_at, metadata)
            VALUES ($1, $2, $3, $4, 'pending', 0, 0, $5, $5, $6::jsonb) ON CONFLICT (idempotency_key) DO NOTHING
            """, request.IdempotencyKey, request.PaymentMethodToken, request.Amount, request.Currency, now,
            request.Metadata is null ? DBNull.Value : JsonSerializer.Serialize(request.Metadata.ToDictionary()));

        string token, currency, status;
        decimal amount;
        string? chargeId, failureCode;
        int attempts;
        await using (var select = new NpgsqlCommand(
            "SELECT token, amount, currency, status, charge_id, failure_code, attempts FROM sandbox_gateway_charges WHERE idempotency_key = $1 FOR UPDATE",
            connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = request.IdempotencyKey });
            await using var reader = await select.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            token = reader.GetString(0);
            amount = reader.GetDecimal(1);
            currency = reader.GetString(2);
            status = reader.GetString(3);
            chargeId = reader.IsDBNull(4) ? null : reader.GetString(4);
            failureCode = reader.IsDBNull(5) ? null : reader.GetString(5);
            attempts = reader.GetInt32(6);
        }

        if (token != request.PaymentMethodToken || amount != request.Amount || currency != request.Currency)
        {
            await tx.RollbackAsync(ct);
            // Stripe answers 400 idempotency_error: the same key was used for a different request.
            throw new GatewayRequestException($"Idempotency key {request.IdempotencyKey} was used before with different parameters.");
        }

        if (status is "succeeded" or "failed" or Voided)
        {
            await Execute(connection, tx, ct, "UPDATE sandbox_gateway_charges SET requests = requests + 1, updated_at = $2 WHERE idempotency_key = $1",
                request.IdempotencyKey, now);
            await tx.CommitAsync(ct);
            logger.LogDebug("Sandbox gateway: repeated request {IdempotencyKey} answered from its stored result ({Status})", request.IdempotencyKey, status);
            return status switch
            {
                "succeeded" => ChargeResult.Success(chargeId!),
                Voided => ChargeResult.Failure(PaymentVoided, Describe(PaymentVoided)),
                _ => ChargeResult.Failure(failureCode!, Describe(failureCode!)),
            };
        }

        var behaviour = await BehaviourAsync(connection, tx, token, ct);
        attempts++;
        if (behaviour == Transient && attempts <= options.Value.SandboxTransientFailures)
        {
            await Execute(connection, tx, ct,
                "UPDATE sandbox_gateway_charges SET attempts = $2, requests = requests + 1, updated_at = $3 WHERE idempotency_key = $1",
                request.IdempotencyKey, attempts, now);
            await tx.CommitAsync(ct);
            throw new TransientGatewayException($"Sandbox gateway: 503 Service Unavailable (attempt {attempts} of {request.IdempotencyKey}).");
        }

        ChargeResult result = behaviour switch
        {
            null => ChargeResult.Failure("invalid_payment_method", "The payment method is not known to the gateway."),
            Succeeds or Transient => ChargeResult.Success("ch_" + RandomId()),
            _ => ChargeResult.Failure(behaviour, Describe(behaviour)),
        };
        await Execute(connection, tx, ct,
            """
            UPDATE sandbox_gateway_charges SET status = $2, charge_id = $3, failure_code = $4, attempts = $5, requests = requests + 1, updated_at = $6
            WHERE idempotency_key = $1
            """,
            request.IdempotencyKey, result.Succeeded ? "succeeded" : "failed", (object?)result.GatewayReference ?? DBNull.Value,
            (object?)result.FailureCode ?? DBNull.Value, attempts, now);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>The sandbox decides every charge at once, so a reference it gave out is always final.</summary>
    public async Task<ChargeResult> RefreshAsync(string chargeReference, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT status FROM sandbox_gateway_charges WHERE charge_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = chargeReference });
        return await cmd.ExecuteScalarAsync(ct) as string == "succeeded"
            ? ChargeResult.Success(chargeReference)
            : throw new GatewayRequestException($"No charge {chargeReference}.");
    }

    public async Task<VoidResult> VoidAsync(string idempotencyKey, string? chargeReference, CancellationToken ct)
    {
        // A charge not decided yet (only transient failures so far) is closed; one that succeeded is reported for a refund.
        await using var cmd = dataSource.CreateCommand(
            """
            UPDATE sandbox_gateway_charges SET status = CASE WHEN status = 'pending' THEN 'voided' ELSE status END,
                requests = requests + 1, updated_at = $2
            WHERE idempotency_key = $1 RETURNING status, charge_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return VoidResult.Voided; // never asked to charge: nothing to void
        return reader.GetString(0) == "succeeded" ? new VoidResult(reader.GetString(1)) : VoidResult.Voided;
    }

    public async IAsyncEnumerable<GatewayCharge> ListChargesAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT charge_id, amount, currency, token, created_at, metadata::text FROM sandbox_gateway_charges
            WHERE status = 'succeeded' AND created_at >= $1 ORDER BY created_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var metadata = reader.IsDBNull(5) ? null : ChargeMetadata.From(JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)));
            yield return new GatewayCharge(reader.GetString(0), ChargeOutcome.Captured, reader.GetDecimal(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), metadata);
        }
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        decimal charged;
        await using (var charge = new NpgsqlCommand(
            "SELECT amount FROM sandbox_gateway_charges WHERE charge_id = $1 AND status = 'succeeded'", connection, tx))
        {
            charge.Parameters.Add(new NpgsqlParameter { Value = request.ChargeReference });
            charged = await charge.ExecuteScalarAsync(ct) is decimal d ? d : throw new GatewayRequestException($"No charge {request.ChargeReference} to refund.");
        }
        if (request.Amount <= 0 || request.Amount > charged)
            throw new GatewayRequestException($"Refund of {request.Amount} is not within the charge's {charged}.");

        await Execute(connection, tx, ct,
            """
            INSERT INTO sandbox_gateway_refunds (idempotency_key, refund_id, charge_id, amount, currency, requests, created_at)
            VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (idempotency_key) DO NOTHING
            """, request.IdempotencyKey, "re_" + RandomId(), request.ChargeReference, request.Amount, request.Currency, now);
        string refundId;
        await using (var select = new NpgsqlCommand(
            "UPDATE sandbox_gateway_refunds SET requests = requests + 1 WHERE idempotency_key = $1 RETURNING refund_id, charge_id, amount", connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = request.IdempotencyKey });
            await using var reader = await select.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            refundId = reader.GetString(0);
            if (reader.GetString(1) != request.ChargeReference || reader.GetDecimal(2) != request.Amount)
                throw new GatewayRequestException($"Idempotency key {request.IdempotencyKey} was used before with different parameters.");
        }
        await tx.CommitAsync(ct);
        return new RefundResult(refundId);
    }

    private static async Task<string?> BehaviourAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string token, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT behaviour FROM sandbox_gateway_cards WHERE token = $1", connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = token });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct, string sql, params object[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string RandomId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static string Describe(string code) => code switch
    {
        Declined => "Your card was declined.",
        InsufficientFunds => "Your card has insufficient funds.",
        ExpiredCard => "Your card has expired.",
        "processing_error" => "An error occurred while processing your card. Try again in a little bit.",
        "invalid_payment_method" => "The payment method is not known to the gateway.",
        PaymentVoided => "The payment was cancelled before it was charged.",
        _ => "The card could not be charged.",
    };
}

/// <summary>Registers a newly tokenised card with the processor. The sandbox keeps its behaviour; Stripe cards are tokenised by Stripe.js instead.</summary>
public interface ICardRegistrar
{
    Task RegisterAsync(PaymentMethod method, string digits, CancellationToken ct);
}

public sealed class SandboxCardRegistrar(SandboxGateway sandbox) : ICardRegistrar
{
    public Task RegisterAsync(PaymentMethod method, string digits, CancellationToken ct) => sandbox.RegisterCardAsync(method.Id, digits, ct);
}
