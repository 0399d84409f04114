# syntax=docker/dockerfile:1
# One image for every ActorNet process. ENTRYPOINT is `dotnet`, so docker-compose.yml picks
# the process by the dll it passes first: /app/lighthouse/ActorNet.Lighthouse.dll or
# /app/node/ActorNet.Node.dll. tests/Actors.Tests/Deployment/ComposeFileTests.cs reads the
# `dotnet publish ... -o DIR` lines below to know which dll paths exist: keep that form.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone first, so that a change to the source reuses the
# cached package layer instead of downloading every package again.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Protocol/Protocol.csproj src/Protocol/
COPY src/Actors/Actors.csproj src/Actors/
COPY src/Node/Node.csproj src/Node/
COPY src/Lighthouse/Lighthouse.csproj src/Lighthouse/
COPY src/Cli/Cli.csproj src/Cli/
RUN dotnet restore src/Node/Node.csproj -r linux-x64 -p:PublishReadyToRun=true \
 && dotnet restore src/Lighthouse/Lighthouse.csproj \
 && dotnet restore src/Cli/Cli.csproj

# config/ holds the HOCON that src/Actors embeds as a resource.
COPY config/ config/
COPY src/ src/
# The node is precompiled (ReadyToRun): a third less CPU to start, which a cluster starting at once feels.
RUN dotnet publish src/Node/Node.csproj -c Release --no-restore -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app/node \
 && dotnet publish src/Lighthouse/Lighthouse.csproj -c Release --no-restore -o /app/lighthouse \
 && dotnet publish src/Cli/Cli.csproj -c Release --no-restore -o /app/cli

# aspnet, not runtime: the Node hosts its HTTP API on ASP.NET Core.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/node/ /app/node/
COPY --from=build /app/lighthouse/ /app/lighthouse/
COPY --from=build /app/cli/ /app/cli/

# `docker compose exec fr actornet cluster show` should work as it does on a workstation.
RUN printf '#!/bin/sh\nexec dotnet /app/cli/actornet.dll "$@"\n' > /usr/local/bin/actornet \
 && chmod 755 /usr/local/bin/actornet

# The data directory holds the node's private keys, its tokens and its SQLite journal: owned by
# the image's unprivileged user (APP_UID, defined by the base image) and closed to everyone else.
# It is created before VOLUME so that a fresh named volume starts with that owner and mode.
RUN mkdir -p /data && chown "$APP_UID" /data && chmod 700 /data
VOLUME /data

# The Node binds Kestrel to its --http endpoint itself; the base image's default of port 8080
# would only add an "overriding address" warning to every start.
ENV ASPNETCORE_HTTP_PORTS=

USER $APP_UID

# 4053: Akka.Remote (Lighthouse and nodes), 5080: a node's HTTP API.
EXPOSE 4053 5080

ENTRYPOINT ["dotnet"]
CMD ["/app/node/ActorNet.Node.dll", "--help"]
