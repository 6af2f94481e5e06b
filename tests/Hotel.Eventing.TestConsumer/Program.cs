using Hotel.Eventing.Consuming;
using Hotel.Eventing.TestConsumer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: Hotel.Eventing.TestConsumer --Kafka:BootstrapServers=… --ConnectionString=… --GroupId=… --Topic=…
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
builder.Configuration.AddCommandLine(args);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration["ConnectionString"] ?? throw new ArgumentException("--ConnectionString is required");
builder.Services.AddDbContext<RoomsDb>(o => o.UseNpgsql(connectionString));
builder.AddEventConsumers<RoomsDb>(builder.Configuration["GroupId"] ?? throw new ArgumentException("--GroupId is required"), consumers => consumers
    .Subscribe(builder.Configuration["Topic"] ?? throw new ArgumentException("--Topic is required"))
    .Add<RoomBookedIntegrationEvent, RoomBookedHandler>());
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("consuming");
await host.WaitForShutdownAsync();
