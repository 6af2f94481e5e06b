namespace Hotel.Cli;

/// <summary>A mistake of the caller's: printed as one clear line, no stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
