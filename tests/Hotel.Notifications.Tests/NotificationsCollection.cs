namespace Hotel.Notifications.Tests;

using Hotel.Testing;

/// <summary>One PostgreSQL cluster for every test here; each test makes its own databases, Kafka broker and SMTP server.</summary>
[CollectionDefinition(Name)]
public sealed class NotificationsCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "notifications";
}
