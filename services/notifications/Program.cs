using Hotel.Notifications.Apis;
using Hotel.Notifications.Extensions;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapEmailsApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
