using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace ActorNet.Actors.Serialization;

/// <summary>
/// Akka's JSON serializer (the fallback for a type no other serializer is bound to), made on its first use instead of
/// at start: every ActorNet message has its own serializer, so an idle node never loads Newtonsoft.Json. Same
/// identifier and bytes as <see cref="NewtonSoftJsonSerializer"/>, which does the work.
/// </summary>
public sealed class LazyJsonSerializer(ExtendedActorSystem system, Config config) : Serializer(system)
{
    /// <summary>Akka's identifier for its JSON serializer, written with every message it serialized.</summary>
    public const int JsonSerializerId = 1;

    private readonly Lazy<NewtonSoftJsonSerializer> json = new(() => new NewtonSoftJsonSerializer(system, config));

    public override int Identifier => JsonSerializerId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => json.Value.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type) => json.Value.FromBinary(bytes, type);
}
