using Hotel.Billing.Apis;
using Hotel.Billing.Extensions;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.RefuseDevelopmentSecrets("PaymentTokens:Key", "Payments:FingerprintKey", "ApiKeys:CustomerCare", "ApiKeys:Operator");
if (string.Equals(builder.Configuration["Payments:Gateway"], "Stripe", StringComparison.OrdinalIgnoreCase))
    builder.RefuseDevelopmentSecrets("Payments:Stripe:ApiKey");
builder.AddApiKeyAuthentication();
builder.AddApplicationServices();

var app = builder.Build();

app.UseTrustedProxies();
app.UseHttpLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseApiRequestBodyLimit();
app.UseRateLimiter();

app.MapApiReference();
app.MapDefaultEndpoints();
app.MapPaymentMethodsApi();
app.MapPaymentMethodFormApi();
app.MapPaymentsApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
