using System.Runtime.InteropServices;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// Caps glibc's malloc arenas for the process. glibc gives threads that allocate at once arenas of their own, up to
/// eight a core, and an arena keeps what its threads freed: threads jitting in parallel at start-up leave an idle node
/// with several mostly empty arenas (5-7 MiB with tiered compilation on, docs/benchmarks.md). A node's native
/// allocations (the JIT, SQLite, OpenSSL) are small and brief; two arenas hold them. MALLOC_ARENA_MAX in the
/// environment (the Dockerfile sets it) is the thorough way, since glibc reads it before the runtime's first threads;
/// this call is the fallback for a node started without it, and catches only the threads started after Main.
/// </summary>
public static class MallocArenas
{
    public const int Default = 2;
    private const int MArenaMax = -8; // M_ARENA_MAX, malloc.h

    /// <summary>
    /// Applies the cap unless MALLOC_ARENA_MAX is set (glibc reads it itself, and the operator's choice wins). Call it
    /// first in Main, before the host starts its threads. False where it does not apply: not Linux, not glibc, or set.
    /// </summary>
    public static bool Limit(int arenas = Default) => Limit(arenas, Environment.GetEnvironmentVariable);

    public static bool Limit(int arenas, Func<string, string?> environment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arenas, 1);
        if (!OperatingSystem.IsLinux() || environment("MALLOC_ARENA_MAX") is not null)
            return false;
        try
        {
            return Mallopt(MArenaMax, arenas) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl and other C libraries: nothing to cap
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling, and so no unsafe code in this assembly.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
