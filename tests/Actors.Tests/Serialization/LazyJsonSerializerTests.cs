using Xunit;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorNet.Actors.Tests.Serialization;

public sealed class LazyJsonSerializerTests : IAsyncLifetime
{
    private readonly ActorSystem system = ActorSystem.Create("json", EmbeddedConfig.Load());

    public sealed record Unbound(string Name, int Count);

    [Fact]
    public void A_type_without_its_own_serializer_falls_back_to_the_lazy_JSON_serializer_with_Akkas_identifier_and_bytes()
    {
        var fallback = system.Serialization.FindSerializerForType(typeof(Unbound));
        Assert.IsType<LazyJsonSerializer>(fallback);
        Assert.Equal(new NewtonSoftJsonSerializer((ExtendedActorSystem)system).Identifier, fallback.Identifier);

        var message = new Unbound("Akka", 3);
        var bytes = fallback.ToBinary(message);
        Assert.Equal(new NewtonSoftJsonSerializer((ExtendedActorSystem)system).ToBinary(message), bytes);
        Assert.Equal(message, fallback.FromBinary(bytes, typeof(Unbound)));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.Terminate();
}
