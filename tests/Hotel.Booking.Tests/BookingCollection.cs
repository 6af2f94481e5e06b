namespace Hotel.Booking.Tests;

using Hotel.Testing;

/// <summary>One PostgreSQL cluster for every test class here; each class gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class BookingCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "booking";
}
