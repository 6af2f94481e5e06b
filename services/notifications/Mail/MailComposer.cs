namespace Hotel.Notifications.Mail;

using System.Globalization;
using System.Text.Json;
using Hotel.Eventing;
using Hotel.Notifications.Bookings;
using Hotel.Notifications.IntegrationEvents;
using MimeKit;

/// <summary>Turns a ledger entry and the booking it is about into the MIME message: HTML and text, plus the PDF for receipts.</summary>
public sealed class MailComposer(MailTemplates templates, ReceiptPdf pdf)
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public MimeMessage Compose(Email email, BookingView booking, MailboxAddress from)
    {
        var values = Values(booking);
        var (subject, heading) = AddEventValues(email, booking, values);
        if (email.Resend) subject = "[Copy] " + subject;

        var body = new BodyBuilder
        {
            HtmlBody = templates.RenderHtml(email.Kind, subject, heading, values),
            TextBody = templates.RenderText(email.Kind, values),
        };
        if (email.Kind == MailKind.Receipt)
        {
            var captured = Data<PaymentCapturedIntegrationEvent>(email);
            body.Attachments.Add($"receipt-{booking.Reference}.pdf", ReceiptPdfOf(booking, captured, values), new ContentType("application", "pdf"));
        }

        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = email.MessageId,
            Body = body.ToMessageBody(),
            Date = email.CreatedAt,
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(booking.GuestName, email.To ?? booking.GuestEmail));
        message.Headers.Add("X-Hotel-Booking-Reference", booking.Reference);
        message.Headers.Add("X-Hotel-Mail-Kind", email.Kind.ToString());
        return message;
    }

    public static string SubjectOf(Email email, BookingView booking) => email.Kind switch
    {
        MailKind.Confirmation => $"Booking confirmed: {booking.HotelName}, {Date(booking.CheckIn)} ({booking.Reference})",
        MailKind.Receipt => $"Your receipt for booking {booking.Reference}",
        MailKind.PaymentFailed => $"Action needed: payment failed for booking {booking.Reference}",
        MailKind.PaymentHeld => $"Your payment for booking {booking.Reference} is on hold",
        MailKind.Cancellation => $"Booking cancelled: {booking.Reference}",
        MailKind.Refund => $"Refund issued for booking {booking.Reference}",
        _ => $"About your booking {booking.Reference}",
    };

    private static Dictionary<string, string> Values(BookingView booking) => new()
    {
        ["guestName"] = booking.GuestName,
        ["reference"] = booking.Reference,
        ["hotelName"] = booking.HotelName,
        ["roomTypeName"] = booking.RoomTypeName,
        ["checkIn"] = Date(booking.CheckIn),
        ["checkOut"] = Date(booking.CheckOut),
        ["nights"] = booking.Nights.ToString(Culture),
        ["total"] = Money(booking.TotalAmount, booking.Currency),
        ["cancelledAt"] = booking.CancelledAt is { } at ? Time(at) : "",
        ["cancellationReason"] = booking.CancellationReason ?? "",
    };

    private static (string Subject, string Heading) AddEventValues(Email email, BookingView booking, Dictionary<string, string> values)
    {
        switch (email.Kind)
        {
            case MailKind.Receipt:
                var captured = Data<PaymentCapturedIntegrationEvent>(email);
                values["amount"] = Money(captured.Amount, captured.Currency);
                values["brand"] = captured.Brand;
                values["last4"] = captured.Last4;
                values["gatewayReference"] = captured.GatewayReference;
                values["capturedAt"] = Time(captured.CapturedAt);
                return (SubjectOf(email, booking), "Payment received");
            case MailKind.PaymentFailed:
                var failed = Data<PaymentFailedIntegrationEvent>(email);
                values["reason"] = failed.Reason;
                values["reasonCode"] = failed.ReasonCode;
                return (SubjectOf(email, booking), "We could not take your payment");
            case MailKind.PaymentHeld:
                var held = Data<PaymentHeldIntegrationEvent>(email);
                values["reason"] = held.Reason;
                values["rule"] = held.Rule;
                return (SubjectOf(email, booking), "Your payment is on hold");
            case MailKind.Refund:
                var refund = Data<RefundIssuedIntegrationEvent>(email);
                values["refundAmount"] = Money(refund.Amount, refund.Currency);
                values["refundedAt"] = Time(refund.RefundedAt);
                values["gatewayReference"] = refund.GatewayReference;
                return (SubjectOf(email, booking), "Your refund");
            case MailKind.Cancellation:
                return (SubjectOf(email, booking), "Your booking is cancelled");
            default:
                return (SubjectOf(email, booking), "Your booking is confirmed");
        }
    }

    // ASCII punctuation ("-", "****"), so that a receipt whose guest data is ASCII is written in Helvetica and
    // embeds no font (embedding parses the whole TrueType file on every receipt).
    private byte[] ReceiptPdfOf(BookingView booking, PaymentCapturedIntegrationEvent captured, IReadOnlyDictionary<string, string> values) =>
        pdf.Write("Receipt",
        [
            new("Booking reference", booking.Reference),
            new("Guest", booking.GuestName),
            new("Hotel", booking.HotelName),
            new("Room", booking.RoomTypeName),
            new("Stay", $"{values["checkIn"]} - {values["checkOut"]} ({booking.Nights} night(s))"),
            new("Amount paid", Money(captured.Amount, captured.Currency)),
            new("Card", $"{captured.Brand} **** {captured.Last4}"),
            new("Paid at", Time(captured.CapturedAt)),
            new("Payment reference", captured.GatewayReference),
        ], "Thank you for staying with us. This receipt was issued electronically.");

    private static T Data<T>(Email email) =>
        JsonSerializer.Deserialize<T>(email.Data ?? "null", EventJson.Options)
        ?? throw new InvalidOperationException($"Ledger entry {email.Id} ({email.Kind}) carries no {typeof(T).Name} data.");

    public static string Money(decimal amount, string currency) => $"{currency} {amount.ToString("N2", Culture)}";

    private static string Date(DateOnly date) => date.ToString("ddd d MMM yyyy", Culture);

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy HH:mm 'UTC'", Culture);
}
