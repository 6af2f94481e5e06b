using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotel.Eventing.Outbox;

public static class OutboxPruningExtensions
{
    /// <summary>
    /// Prunes <typeparamref name="TDbContext"/>'s outbox when <c>Relay:Enabled</c> is false (the relay prunes
    /// otherwise); with the relay on, nothing is registered.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxPruning<TDbContext>(this IHostApplicationBuilder builder) where TDbContext : DbContext
    {
        var options = new OutboxPruningOptions();
        builder.Configuration.GetSection(OutboxPruningOptions.Section).Bind(options);
        if (options.Enabled) return builder;
        builder.Services.AddHostedService(sp => new OutboxPruner<TDbContext>(
            sp.GetRequiredService<IServiceScopeFactory>(), options, sp.GetRequiredService<ILogger<OutboxPruner<TDbContext>>>()));
        return builder;
    }
}
