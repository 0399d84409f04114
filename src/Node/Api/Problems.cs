using Akka.Actor;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ActorNet.Node;

/// <summary>RFC 9457 problem details with a title a person can act on.</summary>
public static class Problems
{
    public static IResult Result(int status, string title, string? detail = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);

    public static Task Write(HttpContext context, int status, string title)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title },
        }).AsTask();
    }
}

/// <summary>Turns what escapes a handler into a problem: bad bodies into 400/413, silent actors into 503.</summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, $"The request body is larger than {MiB(context)} MiB: send a smaller body"),
            BadHttpRequestException bad =>
                (bad.StatusCode, "The request body is not valid JSON for this call: " + (bad.InnerException?.Message ?? bad.Message)),
            AskTimeoutException =>
                (503, "The actor that answers this did not reply in time: the node may still be starting or its Secretariat unreachable; retry shortly"),
            _ => (500, "The node failed to handle this request; its log has the details"),
        };
        if (status == 500)
            log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        await Problems.Write(context, status, title);
        return true;
    }

    // The endpoint's own limit where it has one (the batch of messages), the node's 1 MiB elsewhere.
    private static string MiB(HttpContext context) =>
        ((context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 1024 * 1024) / (1024.0 * 1024))
        .ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
