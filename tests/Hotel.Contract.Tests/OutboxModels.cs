using Hotel.Billing.Infrastructure;
using Hotel.Booking.Infrastructure;
using Hotel.Notifications.Infrastructure;
using Hotel.Eventing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Hotel.Contract.Tests;

/// <summary>The outbox table of each publishing service as its EF Core model maps it (no database needed).</summary>
public static class OutboxModels
{
    /// <summary>Database name (as in the connector's <c>database.dbname</c>) → the service's design-time DbContext.</summary>
    public static readonly IReadOnlyDictionary<string, Func<DbContext>> ByDatabase = new Dictionary<string, Func<DbContext>>
    {
        ["booking"] = () => new BookingDbContextFactory().CreateDbContext([]),
        ["billing"] = () => new BillingDbContextFactory().CreateDbContext([]),
        ["notifications"] = () => new NotificationsDbContextFactory().CreateDbContext([]),
    };

    public sealed record OutboxTable(string Table, IReadOnlyDictionary<string, string> ColumnsByProperty, IReadOnlyDictionary<string, string> ColumnTypes)
    {
        public IEnumerable<string> Columns => ColumnsByProperty.Values;
    }

    public static OutboxTable Of(string database)
    {
        Assert.True(ByDatabase.TryGetValue(database, out var create), $"no outbox model registered for database '{database}' in OutboxModels.ByDatabase");
        using var db = create!();
        var entity = db.Model.FindEntityType(typeof(OutboxMessage)) ?? throw new InvalidOperationException($"{database}: the model maps no outbox");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return new OutboxTable(entity.GetTableName()!, entity.GetProperties().ToDictionary(p => p.Name, p => p.GetColumnName(table)!),
            entity.GetProperties().ToDictionary(p => p.GetColumnName(table)!, p => p.GetColumnType()));
    }
}
