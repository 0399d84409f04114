namespace ActorNet.Protocol.Pki;

/// <summary>A CA or certificate file cannot be used; the message names the file and the reason.</summary>
public sealed class PkiException(string message, Exception? inner = null) : Exception(message, inner);
