using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hotel.ServiceDefaults;

public static class DataProtectionKeys
{
    /// <summary>
    /// DataProtection keys (what cookies and antiforgery tokens are protected with) in the service's own database, table
    /// <c>data_protection_keys</c>, under a fixed application name: a restart, or another instance in another
    /// directory, reads the same key ring. Whoever can read that table can forge the service's cookies.
    /// </summary>
    public static IHostApplicationBuilder AddDataProtectionKeysIn<TContext>(this IHostApplicationBuilder builder, string applicationName)
        where TContext : DbContext, IDataProtectionKeyContext
    {
        builder.Services.AddDataProtection().SetApplicationName(applicationName).PersistKeysToDbContext<TContext>();
        return builder;
    }
}
