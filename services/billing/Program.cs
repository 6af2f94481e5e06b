using Hotel.Billing.Apis;
using Hotel.Billing.Extensions;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseTrustedProxies();
app.UseHttpLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiRequestBodyLimit();
app.UseRateLimiter();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapPaymentMethodsApi();
app.MapPaymentMethodFormApi();
app.MapPaymentsApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
