using System.Configuration;
using System.Configuration.Internal;
using System.Reflection;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// Akka's <c>ActorSystem.Create</c> reads the application's .config file for an <c>akka</c> section even when its
/// configuration is given in code, as every ActorNet host does (Akka.Hosting), and then uses the code's. That read
/// starts .NET's XML configuration system (System.Configuration, System.Private.Xml, the machine config parsed as XML),
/// a few MiB that an idle node keeps. Installed before the actor system starts, an empty configuration system answers
/// the read with nothing at no cost.
/// </summary>
public static class AppConfigFile
{
    public static void Ignore()
    {
        // The only way in is internal; if a later System.Configuration lacks it, the read happens as before.
        var install = typeof(ConfigurationManager).GetMethod("SetConfigurationSystem", BindingFlags.NonPublic | BindingFlags.Static,
            [typeof(IInternalConfigSystem), typeof(bool)]);
        try
        {
            install?.Invoke(null, [new NoSections(), true]);
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
        {
            // Already installed, or the configuration system was already read: nothing left to save.
        }
    }

    private sealed class NoSections : IInternalConfigSystem
    {
        public object? GetSection(string configKey) => null;
        public void RefreshConfig(string sectionName) { }
        public bool SupportsUserConfig => false;
    }
}
