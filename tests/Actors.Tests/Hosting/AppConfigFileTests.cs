using Xunit;
using System.Configuration;
using ActorNet.Actors.Hosting;

namespace ActorNet.Actors.Tests.Hosting;

public sealed class AppConfigFileTests
{
    [Fact]
    public void Ignoring_the_app_config_file_again_or_after_it_was_read_is_harmless_and_it_has_no_akka_section()
    {
        // Other tests in this process may have read the configuration system already (an actor system does): then
        // Ignore has nothing left to save, and must not throw.
        AppConfigFile.Ignore();
        AppConfigFile.Ignore();
        Assert.Null(ConfigurationManager.GetSection("akka"));
    }
}
