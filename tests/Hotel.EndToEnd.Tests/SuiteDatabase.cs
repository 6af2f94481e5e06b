using Npgsql;

namespace Hotel.EndToEnd.Tests;

/// <summary>Reads a service's database of a running suite, on a connection of its own.</summary>
public static class SuiteDatabase
{
    public static async Task<long> CountAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
