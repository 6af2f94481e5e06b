namespace Hotel.Notifications.Tests;

using System.Diagnostics.Metrics;
using Hotel.Notifications.Sending;
using Hotel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

/// <summary>The SMTP server is down when mail is due, and comes up later.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class SmtpOutageTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    protected override bool SmtpUp => false;

    /// <summary><c>hotel.notifications.emails_pending</c> of this test's service, read as a collector reads it.</summary>
    private long PendingGauge()
    {
        var meter = Notifications.Services.GetServices<IHostedService>().OfType<MailSender>().Single().Queue.Meter;
        long? value = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter && instrument.Name == "hotel.notifications.emails_pending") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value ?? throw new InvalidOperationException("hotel.notifications.emails_pending was not published");
    }

    [Fact]
    public async Task Mail_due_while_the_SMTP_server_is_down_stays_pending_and_is_all_delivered_once_it_is_up_none_twice()
    {
        const int bookings = 8;
        for (var i = 0; i < bookings; i++)
        {
            var id = Guid.NewGuid();
            var reference = $"HTL-OUT{i:D3}";
            await Events.BookingPlacedAsync(id, reference, $"Guest {i}", $"guest{i}@example.com");
            await Events.PaymentCapturedAsync(id, reference);
        }

        // Every mail has been tried at least twice against the closed port, and is still pending.
        await Eventually.WaitAsync(async () =>
                await Notifications.ScalarAsync<long>("SELECT count(*) FROM emails WHERE status = 'Pending' AND attempts >= 2 AND last_error IS NOT NULL"),
            n => n == 2 * bookings, TimeSpan.FromSeconds(60), "every mail pending after failed attempts");
        Assert.Equal(0L, await Notifications.ScalarAsync<long>("SELECT count(*) FROM emails WHERE status <> 'Pending'"));
        Assert.Equal(2 * bookings, PendingGauge()); // what an operator sees: mail piling up

        await Smtp.StartAsync();
        await Eventually.WaitAsync(() => Task.FromResult(Smtp.Count()), n => n >= 2 * bookings, TimeSpan.FromSeconds(60), "every mail delivered");
        await Eventually.WaitAsync(async () => await Notifications.ScalarAsync<long>("SELECT count(*) FROM emails WHERE status = 'Sent'"),
            n => n == 2 * bookings, TimeSpan.FromSeconds(20), "every ledger entry sent");
        await Eventually.WaitAsync(() => Task.FromResult(PendingGauge()), n => n == 0, TimeSpan.FromSeconds(10), "the pending gauge back at 0");

        var messages = Smtp.Messages();
        Assert.Equal(2 * bookings, messages.Count);
        Assert.Equal(2 * bookings, messages.Select(m => m.MessageId).Distinct().Count());
        for (var i = 0; i < bookings; i++)
        {
            var about = Smtp.For($"HTL-OUT{i:D3}");
            Assert.Equal(["Confirmation", "Receipt"], about.Select(m => m.Headers["X-Hotel-Mail-Kind"] ?? "").Order().ToArray());
        }
    }
}
