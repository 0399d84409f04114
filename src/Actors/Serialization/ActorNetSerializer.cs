using ActorNet.Protocol.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorNet.Actors.Serialization;

/// <summary>Akka's view of <see cref="WireFormat"/>: bound to every IActorNetMessage, for remoting and persistence alike.</summary>
public sealed class ActorNetSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Written into every journal row: never change it.</summary>
    public const int SerializerId = 4100;

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => WireFormat.ManifestOf(o);

    public override byte[] ToBinary(object obj) => WireFormat.Encode(obj);

    public override object FromBinary(byte[] bytes, string manifest) => WireFormat.Decode(bytes, manifest);
}
