using ActorNet.Actors.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

public sealed class StoragePreparationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actornet-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_dir)) System.IO.Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task New_sqlite_database_is_created_in_WAL_mode()
    {
        var storage = StorageSettings.Parse(null, _dir);
        await StoragePreparation.PrepareAsync(_dir, storage);

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(storage.ConnectionString + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
    }

    [Fact]
    public async Task Corrupt_sqlite_file_is_refused_with_its_path()
    {
        System.IO.Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "actornet.db");
        await File.WriteAllBytesAsync(file, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());

        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(_dir, StorageSettings.Parse(null, _dir)));
        Assert.Contains(file, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public async Task Database_path_that_is_a_directory_is_refused()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_dir, "actornet.db"));
        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(_dir, StorageSettings.Parse(null, _dir)));
        Assert.Contains("is a directory", e.Message);
    }

    [Fact]
    public async Task Data_directory_that_cannot_be_created_is_refused()
    {
        System.IO.Directory.CreateDirectory(_dir);
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "");
        var data = Path.Combine(blocker, "data");

        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(data, StorageSettings.Parse(null, data)));
        Assert.Contains("cannot be created or written", e.Message);
    }

    [Fact]
    public async Task Unreachable_postgres_is_refused_without_its_password()
    {
        var storage = StorageSettings.Parse("postgres:Host=127.0.0.1;Port=1;Database=x;Username=u;Password=hunter2;Timeout=2", _dir);
        var e = await Assert.ThrowsAsync<OptionsException>(() => StoragePreparation.PrepareAsync(_dir, storage));
        Assert.Contains("cannot be reached", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }
}
