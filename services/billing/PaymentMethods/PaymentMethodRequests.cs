namespace Hotel.Billing.PaymentMethods;

/// <summary>
/// Body of <c>POST /api/payment-methods</c>: what a card form sends, once, to be tokenised, with the e-mail of the guest
/// the token is for (it books for that guest only).
/// </summary>
public sealed record CreatePaymentMethodRequest(string? Number, int? ExpMonth, int? ExpYear, string? Cvc, string? HolderName, string? Email = null)
{
    // Never print the number or the CVC, should anyone log the request object.
    public override string ToString() => $"CreatePaymentMethodRequest {{ ExpMonth = {ExpMonth}, ExpYear = {ExpYear}, HolderName = {HolderName}, Email = {Email} }}";
}

/// <param name="Id">The payment token (<c>pm_….{expiry}.{signature}</c>) to book with, bound to the request's e-mail.</param>
public sealed record PaymentMethodResponse(string Id, string Brand, string Last4, int ExpMonth, int ExpYear);

/// <summary>Validation of a card form: every failure names its field (camelCase, as in the request).</summary>
public static class CardValidation
{
    public static Dictionary<string, string[]> Validate(CreatePaymentMethodRequest request, DateTimeOffset now, out string digits)
    {
        var errors = new Dictionary<string, string[]>();
        digits = Cards.Digits(request.Number) ?? "";
        if (request.Number is null) errors["number"] = ["The card number is required."];
        else if (digits.Length is < 12 or > 19 || Cards.Digits(request.Number) is null)
            errors["number"] = ["The card number must be 12 to 19 digits (spaces and dashes allowed)."];
        else if (!Cards.PassesLuhn(digits)) errors["number"] = ["The card number is not valid (checksum)."];

        if (request.ExpMonth is not (>= 1 and <= 12)) errors["expMonth"] = ["The expiry month must be 1 to 12."];
        if (request.ExpYear is not (>= 2000 and <= 2100)) errors["expYear"] = ["The expiry year must be a four-digit year."];
        else if (request.ExpMonth is >= 1 and <= 12)
        {
            // A card is valid through the last day of its expiry month.
            var today = now.UtcDateTime;
            if (request.ExpYear < today.Year || (request.ExpYear == today.Year && request.ExpMonth < today.Month))
                errors["expYear"] = ["The card has expired."];
        }

        var amex = digits.Length > 0 && Cards.Brand(digits) == "amex";
        var cvcLength = amex ? 4 : 3;
        if (request.Cvc is null || request.Cvc.Length != cvcLength || !request.Cvc.All(char.IsAsciiDigit))
            errors["cvc"] = [$"The security code must be {cvcLength} digits."];

        if (string.IsNullOrWhiteSpace(request.Email)) errors["email"] = ["The guest's e-mail is required: the token books for that guest only."];
        else if (request.Email.Length > 254 || !request.Email.Contains('@', StringComparison.Ordinal)) errors["email"] = ["The guest's e-mail is not a valid address."];

        if (string.IsNullOrWhiteSpace(request.HolderName)) errors["holderName"] = ["The card holder's name is required."];
        else if (request.HolderName.Length > 200) errors["holderName"] = ["The card holder's name is longer than 200 characters."];
        return errors;
    }
}
