namespace Hotel.CustomerCare.View;

using Hotel.CustomerCare.IntegrationEvents;
using MassTransit;

// One MassTransit consumer per event type; each runs in the consumer host's transaction with the inbox row.

public sealed class BookingPlacedHandler(ViewUpdater view) : IConsumer<BookingPlacedIntegrationEvent>
{
    public Task Consume(ConsumeContext<BookingPlacedIntegrationEvent> context)
    {
        var e = context.Message;
        return view.ApplyAsync(e.Id, e.BookingId, e.Reference,
            new TimelineEntry
            {
                Kind = TimelineKinds.Placed,
                OccurredAt = e.OccurredAt,
                Amount = e.TotalAmount,
                Currency = e.Currency,
                Detail = $"{e.HotelName}, {e.RoomTypeName}: {e.CheckIn:yyyy-MM-dd} → {e.CheckOut:yyyy-MM-dd} ({e.Nights} night{(e.Nights == 1 ? "" : "s")})"
            },
            new(e.Reference, e.GuestName, e.GuestEmail, e.HotelName, e.RoomTypeName, e.CheckIn, e.CheckOut, e.Nights, e.TotalAmount, e.Currency),
            b => b.PlacedAt = e.OccurredAt, context.CancellationToken);
    }
}

public sealed class BookingCancelledHandler(ViewUpdater view) : IConsumer<BookingCancelledIntegrationEvent>
{
    public Task Consume(ConsumeContext<BookingCancelledIntegrationEvent> context)
    {
        var e = context.Message;
        return view.ApplyAsync(e.Id, e.BookingId, e.Reference,
            new TimelineEntry { Kind = TimelineKinds.Cancelled, OccurredAt = e.CancelledAt, Detail = e.TimelineDetail },
            new(e.Reference, e.GuestName, e.GuestEmail, e.HotelName, e.RoomTypeName, e.CheckIn, e.CheckOut, e.Nights, e.TotalAmount, e.Currency),
            b =>
            {
                // The first cancellation counts (cancelling twice changes nothing at the source either).
                if (b.CancelledAt is null || e.CancelledAt < b.CancelledAt)
                {
                    b.CancelledAt = e.CancelledAt;
                    b.CancellationReason = e.Reason;
                }
            }, context.CancellationToken);
    }
}

public sealed class PaymentCapturedHandler(ViewUpdater view) : IConsumer<PaymentCapturedIntegrationEvent>
{
    public Task Consume(ConsumeContext<PaymentCapturedIntegrationEvent> context)
    {
        var e = context.Message;
        var card = e.Brand is null ? "" : $"{e.Brand} •••• {e.Last4}";
        return view.ApplyAsync(e.Id, e.BookingId, e.BookingReference,
            new TimelineEntry { Kind = TimelineKinds.PaymentCaptured, OccurredAt = e.CapturedAt, Amount = e.Amount, Currency = e.Currency, Detail = card },
            null, null, context.CancellationToken);
    }
}

public sealed class PaymentFailedHandler(ViewUpdater view) : IConsumer<PaymentFailedIntegrationEvent>
{
    public Task Consume(ConsumeContext<PaymentFailedIntegrationEvent> context)
    {
        var e = context.Message;
        return view.ApplyAsync(e.Id, e.BookingId, e.BookingReference,
            new TimelineEntry { Kind = TimelineKinds.PaymentFailed, OccurredAt = e.OccurredAt, Detail = $"{e.ReasonCode}: {e.Reason}" },
            null, null, context.CancellationToken);
    }
}

public sealed class PaymentHeldHandler(ViewUpdater view) : IConsumer<PaymentHeldIntegrationEvent>
{
    public Task Consume(ConsumeContext<PaymentHeldIntegrationEvent> context)
    {
        var e = context.Message;
        return view.ApplyAsync(e.Id, e.BookingId, e.BookingReference,
            new TimelineEntry { Kind = TimelineKinds.PaymentHeld, OccurredAt = e.OccurredAt, Detail = $"{e.Rule}: {e.Reason}" },
            null, null, context.CancellationToken);
    }
}

public sealed class RefundIssuedHandler(ViewUpdater view) : IConsumer<RefundIssuedIntegrationEvent>
{
    public Task Consume(ConsumeContext<RefundIssuedIntegrationEvent> context)
    {
        var e = context.Message;
        return view.ApplyAsync(e.Id, e.BookingId, e.BookingReference,
            new TimelineEntry { Kind = TimelineKinds.RefundIssued, OccurredAt = e.RefundedAt, Amount = e.Amount, Currency = e.Currency },
            null, null, context.CancellationToken);
    }
}

public sealed class EmailSentHandler(ViewUpdater view) : IConsumer<EmailSentIntegrationEvent>
{
    public Task Consume(ConsumeContext<EmailSentIntegrationEvent> context)
    {
        var e = context.Message;
        return view.ApplyAsync(e.Id, e.BookingId, e.BookingReference,
            new TimelineEntry { Kind = TimelineKinds.EmailPrefix + GuestKeys.KebabKind(e.Kind), OccurredAt = e.SentAt, Detail = $"to {e.To}" },
            null, null, context.CancellationToken);
    }
}
