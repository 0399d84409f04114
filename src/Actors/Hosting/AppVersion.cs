using System.Reflection;

namespace ActorNet.Actors.Hosting;

/// <summary>The version every ActorNet process reports to the cluster (pbm's app-version column).</summary>
public static class AppVersion
{
    public static string Current { get; } =
        typeof(AppVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
