using Hotel.Booking.Apis;
using Hotel.Booking.Extensions;
using Hotel.Booking.Website;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.RefuseDevelopmentSecrets("PaymentTokens:Key");
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiRequestBodyLimit();
app.UseGuestWebsite();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapHotelsApi();
app.MapBookingsApi();
app.MapGuestWebsite();

await app.MigrateAndSeedDatabaseAsync();
await app.RunAsync();

public partial class Program;
