using Hotel.CustomerCare.Apis;
using Hotel.CustomerCare.Auth;
using Hotel.CustomerCare.Extensions;
using Hotel.CustomerCare.Live;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.RefuseDevelopmentSecrets("Services:NotificationsApiKey", "Services:BookingApiKey", "Agents:*:PasswordHash");
builder.AddTrustedProxies();
builder.AddApplicationServices();

var app = builder.Build();

app.UseTrustedProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHttpsOutsideDevelopment();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiReference();
app.MapDefaultEndpoints();
app.MapRazorPages();
app.MapCustomerCareApi();
app.MapHub<FeedHub>(FeedHub.Path);

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
