namespace Hotel.Booking.Infrastructure;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Hotel.ServiceDefaults;

/// <summary>For <c>dotnet ef migrations add</c>: builds the model without starting the service or a database.</summary>
public sealed class BookingDbContextFactory : IDesignTimeDbContextFactory<BookingDbContext>
{
    public BookingDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BookingDbContext>();
        options.UseBookingDatabase(Environment.GetEnvironmentVariable("ConnectionStrings__Booking") ?? "Host=127.0.0.1;Database=booking;Username=postgres");
        return new BookingDbContext(options.Options);
    }
}

public static class BookingDatabase
{
    /// <summary>The one place the provider and naming convention are chosen, for runtime and design time alike.</summary>
    public static DbContextOptionsBuilder UseBookingDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ServiceDatabase.ConnectionString(connectionString)).UseSnakeCaseNamingConvention()
            .AddInterceptors(RowLockInterceptor.Instance);
}
