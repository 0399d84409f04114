using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace ActorNet.Node.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, made when asked for. Its generator (Microsoft.OpenApi, MVC's API
/// explorer: several assemblies and thousands of methods) lives in a service container of its own, built on the first
/// request, so an idle node never loads it (docs/benchmarks.md, idle memory).
/// </summary>
public static class OpenApiDocumentEndpoint
{
    public const string Path = "/openapi/v1.json";
    private const string DocumentName = "v1";

    /// <param name="appServices">The node's own service registrations: the generator tells handler parameters that are services from the request's.</param>
    public static void MapOpenApiDocument(this WebApplication app, IServiceCollection appServices)
    {
        var generator = new Lazy<IServiceProvider>(() => BuildGenerator(app.Services, appServices));
        app.MapGet(Path, async (HttpContext context) =>
        {
            var provider = generator.Value.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
            var document = await provider.GetOpenApiDocumentAsync(context.RequestAborted);
            // As MapOpenApi does: the server is the address the document was asked for at.
            document.Servers = [new OpenApiServer { Url = UriHelper.BuildAbsolute(context.Request.Scheme, context.Request.Host, context.Request.PathBase) }];
            context.Response.ContentType = "application/json;charset=utf-8";
            await context.Response.WriteAsync(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, context.RequestAborted), context.RequestAborted);
        }).ExcludeFromDescription();
    }

    private static ServiceProvider BuildGenerator(IServiceProvider node, IServiceCollection appServices)
    {
        IServiceCollection services = new ServiceCollection();
        // Every type the node can inject, answered by the node's own instance: nothing is made twice, and a handler's
        // ActorSystem or TokenStore parameter is seen as a service, not as a request body.
        foreach (var type in appServices.Where(d => !d.IsKeyedService && !d.ServiceType.IsGenericTypeDefinition).Select(d => d.ServiceType).Distinct())
            services.AddSingleton(type, _ => node.GetRequiredService(type));
        foreach (var open in appServices.Where(d => !d.IsKeyedService && d.ServiceType.IsGenericTypeDefinition))
            services.Add(open);
        services.AddOpenApi(DocumentName);
        // What the generator reads of the running node, taken as it is rather than through the copies above.
        services.AddSingleton(node.GetRequiredService<EndpointDataSource>());
        services.AddSingleton(node.GetRequiredService<IOptions<JsonOptions>>());
        services.AddSingleton(node.GetRequiredService<IServer>());
        return services.BuildServiceProvider();
    }
}
