namespace ActorNet.Cli;

// Each failure the CLI reports maps to one exit code (see CliApp.ExitCodes), so scripts can tell them apart.

/// <summary>The command line was written wrongly; Message says what to write instead.</summary>
public sealed class UsageException(string message, string usage) : Exception(message)
{
    public string Usage { get; } = usage;
}

/// <summary>The node answered with a 4xx/5xx problem; Title is the node's sentence for a person.</summary>
public sealed class NodeRefusedException(int status, string title) : Exception(title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>The node could not be reached at all (refused connection, unknown host, no answer in time).</summary>
public sealed class NodeUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A command that needs no node could not do what was asked (a file exists, a CA cannot be read); Message says why.</summary>
public sealed class CommandRefusedException(string message) : Exception(message);
