# syntax=docker/dockerfile:1
# One image for every ActorNet process, each a self-contained executable: docker-compose.yml picks
# the process by the program it runs, /app/lighthouse/ActorNet.Lighthouse or /app/node/ActorNet.Node.
# tests/Actors.Tests/Deployment/ComposeFileTests.cs reads the `dotnet publish ... -o DIR` lines below
# to know which programs exist: keep that form.

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
RUN dotnet restore src/Node/Node.csproj -r linux-x64 -p:ActorNetDeploy=true \
 && dotnet restore src/Lighthouse/Lighthouse.csproj -r linux-x64 -p:ActorNetDeploy=true \
 && dotnet restore src/Cli/Cli.csproj -r linux-x64 -p:ActorNetDeploy=true

# config/ holds the HOCON that src/Actors embeds as a resource.
COPY config/ config/
COPY src/ src/
# The deployed form (Directory.Build.props, ActorNetDeploy): self-contained, trimmed and precompiled (ReadyToRun), so
# that an idle node stays under 150 MB and starts on a third less CPU. .ci/publish makes the same, and the network
# tests run against it (ACTORNET_TEST_PUBLISHED).
RUN dotnet publish src/Node/Node.csproj -c Release --no-restore -r linux-x64 --self-contained -p:ActorNetDeploy=true -o /app/node \
 && dotnet publish src/Lighthouse/Lighthouse.csproj -c Release --no-restore -r linux-x64 --self-contained -p:ActorNetDeploy=true -o /app/lighthouse \
 && dotnet publish src/Cli/Cli.csproj -c Release --no-restore -r linux-x64 --self-contained -p:ActorNetDeploy=true -o /app/cli

# runtime-deps, not aspnet: every program brings its own runtime, trimmed to what it uses.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/node/ /app/node/
COPY --from=build /app/lighthouse/ /app/lighthouse/
COPY --from=build /app/cli/ /app/cli/

# `docker compose exec fr actornet cluster show` should work as it does on a workstation.
RUN ln -s /app/cli/actornet /usr/local/bin/actornet

# The data directory holds the node's private keys, its tokens and its SQLite journal: owned by
# the image's unprivileged user (APP_UID, defined by the base image) and closed to everyone else.
# It is created before VOLUME so that a fresh named volume starts with that owner and mode.
RUN mkdir -p /data && chown "$APP_UID" /data && chmod 700 /data
VOLUME /data

# Two malloc arenas instead of glibc's eight a core: fewer half-empty arenas kept by threads that allocated at once
# (docs/benchmarks.md). The programs cap it themselves too (MallocArenas), but only for threads started after Main.
ENV MALLOC_ARENA_MAX=2

# The Node binds Kestrel to its --http endpoint itself; the base image's default of port 8080
# would only add an "overriding address" warning to every start.
ENV ASPNETCORE_HTTP_PORTS=

USER $APP_UID

# 4053: Akka.Remote (Lighthouse and nodes), 5080: a node's HTTP API.
EXPOSE 4053 5080

CMD ["/app/node/ActorNet.Node", "--help"]
