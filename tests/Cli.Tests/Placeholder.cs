namespace ActorNet.Cli.Tests;
