namespace Hotel.Billing.Infrastructure;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Hotel.ServiceDefaults;

/// <summary>For <c>dotnet ef migrations add</c>: builds the model without starting the service or a database.</summary>
public sealed class BillingDbContextFactory : IDesignTimeDbContextFactory<BillingDbContext>
{
    public BillingDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        options.UseBillingDatabase(Environment.GetEnvironmentVariable("ConnectionStrings__Billing") ?? "Host=127.0.0.1;Database=billing;Username=postgres");
        return new BillingDbContext(options.Options);
    }
}

public static class BillingDatabase
{
    /// <summary>The one place the provider and naming convention are chosen, for runtime and design time alike.</summary>
    public static DbContextOptionsBuilder UseBillingDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ServiceDatabase.ConnectionString(connectionString)).UseSnakeCaseNamingConvention()
            .AddInterceptors(RowLockInterceptor.Instance);
}
