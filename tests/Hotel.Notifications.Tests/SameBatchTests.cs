namespace Hotel.Notifications.Tests;

using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.IntegrationEvents;
using Hotel.Testing;
using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

/// <summary>
/// Several events of one booking handled in one scope and one transaction, with a single SaveChanges at the end
/// (as a batched consumer host applies them): each handler must see what the earlier ones added, unsaved.
/// </summary>
[Collection(NotificationsCollection.Name)]
public sealed class SameBatchTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Fact]
    public async Task A_receipt_then_its_booking_then_its_cancellation_in_one_transaction_end_as_if_applied_one_by_one()
    {
        var bookingId = Guid.NewGuid();
        const string reference = "HTL-BATCH1";
        var checkIn = new DateOnly(2027, 5, 1);
        await using (var scope = Notifications.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            var mediator = scope.ServiceProvider.GetRequiredService<IScopedMediator>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await mediator.Send(new PaymentCapturedIntegrationEvent(bookingId, reference, Guid.NewGuid(), 447m, "EUR", "Visa", "4242", "ch_batch", DateTimeOffset.UtcNow));
            await mediator.Send(new BookingPlacedIntegrationEvent(bookingId, reference, "Bea Batch", "bea@example.com", "Canal House Amsterdam", "Classic Double",
                checkIn, checkIn.AddDays(3), 3, 149m, 447m, "EUR"));
            await mediator.Send(new BookingCancelledIntegrationEvent(bookingId, reference, "Bea Batch", "bea@example.com", "Canal House Amsterdam", "Classic Double",
                checkIn, checkIn.AddDays(3), 3, 447m, "EUR", DateTimeOffset.UtcNow, "Plans changed"));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        // The receipt was released by the booking in the same transaction; all three mails go out.
        var mails = await Smtp.WaitForAsync(reference, 3);
        Assert.Equal(["Cancellation", "Confirmation", "Receipt"], mails.Select(m => m.Headers["X-Hotel-Mail-Kind"] ?? "").Order().ToArray());
        Assert.All(mails, m => Assert.Equal("bea@example.com", Assert.Single(m.To.Mailboxes).Address));
        Assert.Equal(1L, await Notifications.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE booking_id = $1", bookingId));
        Assert.Equal("Cancelled", await Notifications.ScalarAsync<string>("SELECT status FROM bookings WHERE booking_id = $1", bookingId));
        Assert.Equal(1, await Notifications.ScalarAsync<int>("SELECT bookings FROM guests WHERE email = 'bea@example.com'"));
    }
}
