namespace Hotel.Billing.Tests;

using Hotel.Testing;

/// <summary>One PostgreSQL cluster and one mock Kafka broker for every test class here; each test gets its own database, topic and group.</summary>
[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "billing";
}
