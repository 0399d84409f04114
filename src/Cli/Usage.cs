namespace ActorNet.Cli;

/// <summary>The help texts, built from the palettes so a new palette documents itself.</summary>
public static class Usage
{
    public static string General =>
        $"""
        Usage: actornet [--node URL] [--token T] [--json] <palette> <command> [args]
               actornet [--node URL] [--token T]           (an interactive prompt; 'exit' to leave)

          --node URL   the node's HTTP API (env ACTORNET_NODE, default {GlobalOptions.DefaultNode})
          --token T    a bearer token for it (env ACTORNET_TOKEN)
          --json       print the JSON instead of a table

        Palettes:
        {string.Join('\n', CliApp.Palettes.Select(p => $"  {p.Name,-10} {p.Summary}"))}

        'actornet help PALETTE' lists a palette's commands; 'actornet help all' lists every command.
        Exit codes: 0 done, 1 refused (by the node, or by pki: a file in the way), 2 bad usage, 3 node not reachable.
        """;

    public static string All => string.Join("\n\n", CliApp.Palettes.Select(p => p.Usage));
}
