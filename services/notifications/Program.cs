using Hotel.Notifications.Apis;
using Hotel.Notifications.Extensions;
using Hotel.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.RefuseDevelopmentSecrets("ApiKeys:CustomerCare", "ApiKeys:Operator");
builder.AddApiKeyAuthentication();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiReference();
app.MapDefaultEndpoints();
app.MapEmailsApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
