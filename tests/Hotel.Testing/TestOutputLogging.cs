using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hotel.Testing;

/// <summary>Sends log lines to xunit's test output, so a failing test shows what the component said.</summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    public static ILoggerFactory Factory(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) =>
        LoggerFactory.Create(b => b.SetMinimumLevel(minimum).AddProvider(new TestOutputLoggerProvider(output, minimum)));

    public ILogger CreateLogger(string categoryName) => new Logger(output, minimum, categoryName);

    public void Dispose() { }

    private sealed class Logger(ITestOutputHelper output, LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category.Split('.').Last()}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
            catch (InvalidOperationException) { } // the test has finished; nobody is listening
        }
    }
}
