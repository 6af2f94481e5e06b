namespace Hotel.Notifications.Tests;

using Hotel.LocalInfra;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>
/// Per test: its own embedded Kafka broker (the topics have fixed names, so tests must not share one),
/// a notifications database and service, and a real SMTP server; the booking service when asked for.
/// </summary>
public abstract class NotificationsTestBase(InfraFixture infra, ITestOutputHelper output) : IAsyncLifetime
{
    protected InfraFixture Infra { get; } = infra;
    protected ITestOutputHelper Output { get; } = output;
    protected EmbeddedKafka Kafka { get; private set; } = null!;
    protected SmtpSink Smtp { get; private set; } = null!;
    protected NotificationsApp Notifications { get; private set; } = null!;
    protected WireEvents Events { get; private set; } = null!;
    private BookingApp? _booking;

    /// <summary>Whether the SMTP server runs from the start (false: the test starts it later).</summary>
    protected virtual bool SmtpUp => true;

    /// <summary>Settings over <see cref="NotificationsApp.Settings"/> for this test class.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Whether the notifications service starts in-process (false: the test runs it its own way).</summary>
    protected virtual bool StartNotifications => true;

    public async Task InitializeAsync()
    {
        Kafka = EmbeddedKafka.Start();
        foreach (var topic in new[] { "booking.events", "payment.events", "email.events" }) Kafka.CreateTopic(topic, 4);
        Events = new WireEvents(Kafka.BootstrapServers);
        Smtp = await SmtpSink.CreateAsync(start: SmtpUp);
        if (StartNotifications) Notifications = await NotificationsApp.StartAsync(Infra, Kafka.BootstrapServers, Smtp.Port, Output, Settings);
    }

    protected async Task<BookingApp> BookingAsync(bool relay = true) =>
        _booking ??= await BookingApp.StartAsync(Infra, Kafka.BootstrapServers, relay);

    public async Task DisposeAsync()
    {
        if (Notifications is not null) await Notifications.DisposeAsync();
        if (_booking is not null) await _booking.DisposeAsync();
        Events.Dispose();
        await Smtp.DisposeAsync();
        Kafka.Dispose();
    }
}
