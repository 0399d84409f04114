using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ActorNet.Actors.Hosting;

/// <summary>One Serilog configuration for every host: readable console lines by default, compact JSON on request.</summary>
public static class Logging
{
    public static ILogger Create(LogFormat format, string? bureau, string node)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("LinqToDB", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Node", node);
        if (bureau is not null)
            config = config.Enrich.WithProperty("Bureau", bureau);

        config = format == LogFormat.Json
            ? config.WriteTo.Console(new CompactJsonFormatter())
            : config.WriteTo.Console(outputTemplate:
                "[{Timestamp:HH:mm:ss} {Level:u3}] " + (bureau ?? "lighthouse") + " {Message:lj}{NewLine}{Exception}");
        return config.CreateLogger();
    }
}
