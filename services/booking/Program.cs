using Hotel.Booking.Apis;
using Hotel.Booking.Extensions;
using Hotel.Booking.Website;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.RefuseDevelopmentSecrets("PaymentTokens:Key", "ApiKeys:CustomerCare");
builder.AddApiKeyAuthentication(); // customer care's key marks an agent's cancellation; every other caller is a guest
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseApiRequestBodyLimit();
app.UseGuestWebsite();

app.MapApiReference();
app.MapDefaultEndpoints();
app.MapHotelsApi();
app.MapBookingsApi();
app.MapGuestWebsite();

await app.MigrateAndSeedDatabaseAsync();
await app.RunAsync();

public partial class Program;
