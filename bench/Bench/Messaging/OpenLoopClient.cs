using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ActorNet.Protocol.Api;

namespace ActorNet.Bench.Messaging;

/// <summary>
/// The latency run's load generator, lean as wrk is: single sends to the sender's node as raw HTTP/1.1 over keep-alive
/// connections (one request in flight on each), written on the pacing loop's thread, and one thread of its own that sleeps
/// in a single <c>ppoll</c> until a 202 or an event of the recipient's stream arrives. The client shares the machine's two
/// cores with the nodes; <see cref="HttpClient"/>'s way (pool workers for each send, each 202 and each event, woken by the
/// sockets' own thread) cost ~0.21 ms of CPU a send against ~0.13 here, most of the difference the kernel switching threads
/// (docs/benchmarks.md, session 51): the load generator's cost, not the nodes'. What goes over the wire is what an integration
/// sends and reads: the same JSON, the same headers, each event's message deserialised.
/// </summary>
public sealed class OpenLoopClient : IDisposable
{
    private const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10;

    private readonly IPEndPoint _sender;
    private readonly byte[] _head; // everything of a POST's head up to its Content-Length's value
    private readonly Action<InboxMessage, long> _onMessage;
    private readonly Connection _events;
    private readonly List<Connection> _posts = [];
    private readonly Stack<Connection> _idle = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly Lock _lock = new(); // the connections, shared by the pacing loop and the reading thread
    private readonly Socket _wake = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp); // a datagram to itself wakes the reader
    private volatile bool _stop;
    private volatile Job? _job;
    private byte[] _stream = new byte[64 * 1024]; // the event stream's body, de-chunked, not yet parsed
    private int _streamEnd;
    private byte[] _data = new byte[16 * 1024]; // the event being read: its data lines
    private int _dataEnd;
    private EventType _eventType;
    private Exception? _failure;

    private enum EventType { None, Message, Ready, Other }

    private OpenLoopClient(IPEndPoint sender, IPEndPoint recipient, string token, string? after, Action<InboxMessage, long> onMessage)
    {
        _sender = sender;
        _onMessage = onMessage;
        LastId = after;
        _head = Encoding.ASCII.GetBytes($"POST /api/messages HTTP/1.1\r\nHost: {sender}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ");
        _events = Connection.Open(recipient);
        _events.Send(Encoding.ASCII.GetBytes(
            $"GET /api/events?messages=full{(after is null ? "" : $"&after={after}")} HTTP/1.1\r\nHost: {recipient}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"));
        _wake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _wake.Blocking = false;
        _thread = new Thread(Loop) { IsBackground = true, Name = "open-loop client" };
    }

    /// <summary>The last message the event stream brought (or the cursor it started after).</summary>
    public string? LastId { get; private set; }

    /// <summary>Opens the event stream of <paramref name="recipient"/>'s inbox after <paramref name="after"/>; returns once it is subscribed.</summary>
    /// <param name="onMessage">Called on the client's thread for each message, with the Stopwatch timestamp of the read that brought it.</param>
    public static async Task<OpenLoopClient> StartAsync(Uri sender, Uri recipient, string token, string? after, Action<InboxMessage, long> onMessage)
    {
        var client = new OpenLoopClient(EndPoint(sender), EndPoint(recipient), token, after, onMessage);
        client._thread.Start();
        try
        {
            await client._subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return client;
    }

    private static IPEndPoint EndPoint(Uri uri) => new(IPAddress.Parse(uri.Host), uri.Port);

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// True when message <paramref name="next"/> of an open loop begun at <paramref name="start"/> is due; otherwise sleeps
    /// toward it on the runtime's timer and returns false. A millisecond at least: Task.Delay rounds a shorter wait down to
    /// none and completes at once, and the loop then spun a core the nodes needed (most of one at 1,000 msg/s, until session
    /// 13). What falls due while it sleeps goes when it wakes; each message is stamped when it is actually sent.
    /// </summary>
    public static async ValueTask<bool> DueAsync(long start, int next, int rate)
    {
        var due = start + (long)((double)next / rate * Stopwatch.Frequency);
        var now = Stopwatch.GetTimestamp();
        if (now >= due)
            return true;
        var wait = TimeSpan.FromTicks((due - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        await Task.Delay(wait < MinimumWait ? MinimumWait : wait);
        return false;
    }

    /// <summary>
    /// Sends <paramref name="count"/> messages singly, message i due at start + i/rate, whether or not earlier ones were answered
    /// (up to <paramref name="window"/> in flight, each on a connection of its own); <paramref name="sentAt"/>[i] is stamped as
    /// message i goes. Returns each send → 202 in ms.
    /// </summary>
    /// <remarks>
    /// Paced as HttpClient's open loop was and PeerBench's is: a millisecond timer, everything fallen due going when it
    /// fires. On this machine that sends clumps of two to four every 3–4 ms, and an even pacing is another load, not the
    /// same one cheaper: it cost FR ~50 % more CPU a send, each send a commit of its own (docs/benchmarks.md, session 51).
    /// The requests are written on the pacing loop's thread; the answers are read by the client's own.
    /// </remarks>
    /// <param name="body">Writes message i's JSON into the buffer given (large enough for any) and returns its length.</param>
    public async Task<double[]> SendAsync(int count, int rate, int window, Func<int, byte[], int> body, long[] sentAt)
    {
        if (_job is not null)
            throw new InvalidOperationException("one open loop at a time");
        var job = new Job(count, window);
        _job = job;
        var bodyBuffer = new byte[64 * 1024];
        var request = new byte[bodyBuffer.Length + _head.Length + 16];
        _head.CopyTo(request, 0); // the head up to Content-Length's value is the same for every request
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < count)
        {
            if (_failure is { } failure)
                throw new InvalidOperationException("the open-loop client failed", failure);
            if (!await DueAsync(start, next, rate))
                continue;
            // Bounded: a reading thread that failed frees no slot (its failure is thrown next time round).
            if (!await job.Slots.WaitAsync(TimeSpan.FromSeconds(30)) && _failure is null)
                throw new TimeoutException($"{window} messages unanswered for 30 s (message {next} waiting to go)");
            if (_failure is not null)
                continue;
            var seq = next++;
            var length = body(seq, bodyBuffer);
            var at = _head.Length;
            length.TryFormat(request.AsSpan(at), out var digits, provider: CultureInfo.InvariantCulture);
            at += digits;
            "\r\n\r\n"u8.CopyTo(request.AsSpan(at));
            at += 4;
            bodyBuffer.AsSpan(0, length).CopyTo(request.AsSpan(at));
            at += length;
            var connection = Idle();
            var sent = Stopwatch.GetTimestamp();
            sentAt[seq] = sent;
            lock (_lock)
            {
                connection.Seq = seq;
                connection.SentAt = sent;
            }
            connection.Send(request.AsSpan(0, at));
        }
        var confirms = await job.Done.Task.WaitAsync(TimeSpan.FromSeconds(120));
        _job = null;
        return confirms;
    }

    /// <summary>A connection with nothing in flight: the last one freed, or a new one the reading thread is woken to watch.</summary>
    private Connection Idle()
    {
        lock (_lock)
            if (_idle.TryPop(out var idle))
                return idle;
        var connection = Connection.Open(_sender);
        lock (_lock)
            _posts.Add(connection);
        _wake.SendTo([1], _wake.LocalEndPoint!);
        return connection;
    }

    private sealed class Job(int count, int window)
    {
        public readonly double[] Confirms = new double[count];
        public readonly SemaphoreSlim Slots = new(window);
        public readonly TaskCompletionSource<double[]> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Answered;
    }

    private void Loop()
    {
        var fds = new PollFd[2];
        var watched = new List<Connection>();
        var scratch = new byte[64];
        try
        {
            while (!_stop)
            {
                lock (_lock)
                    if (watched.Count != _posts.Count)
                    {
                        watched.Clear();
                        watched.AddRange(_posts);
                        fds = new PollFd[2 + watched.Count];
                    }
                fds[0] = new PollFd { Fd = _events.Fd, Events = PollIn };
                fds[1] = new PollFd { Fd = (int)_wake.SafeHandle.DangerousGetHandle(), Events = PollIn };
                for (var i = 0; i < watched.Count; i++)
                    fds[i + 2] = new PollFd { Fd = watched[i].Fd, Events = PollIn };
                var timeout = new TimeSpec { Nanoseconds = 100_000_000 }; // to see _stop; sends wake it through _wake
                if (ppoll(fds, (nuint)fds.Length, ref timeout, IntPtr.Zero) < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == 4) // EINTR
                        continue;
                    throw new IOException($"ppoll failed: errno {errno}");
                }
                var at = Stopwatch.GetTimestamp();
                if ((fds[0].Revents & (PollIn | PollErr | PollHup)) != 0)
                    ReadEvents(at);
                if ((fds[1].Revents & PollIn) != 0)
                    while (_wake.Available > 0)
                        _wake.Receive(scratch);
                for (var i = 0; i < watched.Count; i++)
                    if ((fds[i + 2].Revents & (PollIn | PollErr | PollHup)) != 0)
                        ReadAnswers(watched[i], at);
            }
        }
        catch (Exception e)
        {
            _failure = e;
            _subscribed.TrySetException(e);
            _job?.Done.TrySetException(e);
        }
    }

    private void ReadAnswers(Connection connection, long at)
    {
        if (!connection.Receive())
            throw new IOException($"the sender's node closed a connection{(connection.Seq >= 0 ? $" with message {connection.Seq} unanswered" : "")}");
        while (true)
        {
            var length = Http.CompleteResponse(connection.Unread, out var status);
            if (length == 0)
                return;
            var job = _job;
            int seq;
            long sentAt;
            lock (_lock)
                (seq, sentAt) = (connection.Seq, connection.SentAt);
            if (seq < 0 || job is null)
                throw new InvalidOperationException($"an answer nothing was asked for: {Encoding.UTF8.GetString(connection.Unread[..length])}");
            if (status != (int)HttpStatusCode.Accepted)
                throw new InvalidOperationException($"POST of message {seq} answered {status}: {Encoding.UTF8.GetString(connection.Unread[..length])}");
            job.Confirms[seq] = (double)(at - sentAt) * 1000 / Stopwatch.Frequency;
            connection.Consume(length);
            lock (_lock)
            {
                connection.Seq = -1;
                _idle.Push(connection);
            }
            job.Slots.Release();
            if (++job.Answered == job.Confirms.Length)
                job.Done.TrySetResult(job.Confirms);
        }
    }

    private bool _streamHeadRead, _chunked;
    private int _chunkLeft = -1; // bytes left in the current chunk; -1 while a chunk's size line is awaited, -2 for the CRLF after a chunk

    private void ReadEvents(long at)
    {
        if (!_events.Receive())
            throw new IOException("the recipient's node closed the event stream");
        if (!_streamHeadRead)
        {
            var head = _events.Unread.IndexOf("\r\n\r\n"u8);
            if (head < 0)
                return;
            var status = Http.Status(_events.Unread);
            if (status != (int)HttpStatusCode.OK)
                throw new InvalidOperationException($"GET /api/events answered {status}: {Encoding.UTF8.GetString(_events.Unread)}");
            _chunked = Http.IsChunked(_events.Unread[..head]);
            _streamHeadRead = true;
            _events.Consume(head + 4);
        }
        Dechunk();
        ParseEvents(at);
    }

    /// <summary>Moves the event stream's body bytes from the connection's buffer to <see cref="_stream"/>, without the chunks' framing.</summary>
    private void Dechunk()
    {
        while (_events.Unread.Length > 0)
        {
            var unread = _events.Unread;
            if (!_chunked)
            {
                Append(ref _stream, ref _streamEnd, unread);
                _events.Consume(unread.Length);
            }
            else if (_chunkLeft == -1)
            {
                var line = unread.IndexOf("\r\n"u8);
                if (line < 0)
                    return;
                _chunkLeft = Http.ChunkSize(unread[..line]);
                if (_chunkLeft == 0)
                    throw new IOException("the recipient's node ended the event stream");
                _events.Consume(line + 2);
            }
            else if (_chunkLeft == -2)
            {
                if (unread.Length < 2)
                    return;
                _events.Consume(2);
                _chunkLeft = -1;
            }
            else
            {
                var n = Math.Min(_chunkLeft, unread.Length);
                Append(ref _stream, ref _streamEnd, unread[..n]);
                _events.Consume(n);
                _chunkLeft -= n;
                if (_chunkLeft == 0)
                    _chunkLeft = -2;
            }
        }
    }

    /// <summary>Server-Sent Events: lines of <c>field: value</c>, an event ending at an empty line.</summary>
    /// <remarks>Not <c>SseParser</c> (as <see cref="InboxFollower"/> uses): it pulls from a Stream, and these bytes come from the poll loop.</remarks>
    private void ParseEvents(long at)
    {
        var parsed = 0;
        while (true)
        {
            var rest = _stream.AsSpan(parsed, _streamEnd - parsed);
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
                break;
            var line = rest[..newline];
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            parsed += newline + 1;
            if (line.IsEmpty)
                Dispatch(at);
            else if (line.StartsWith("data:"u8))
            {
                if (_dataEnd > 0)
                    Append(ref _data, ref _dataEnd, "\n"u8);
                Append(ref _data, ref _dataEnd, Value(line, 5));
            }
            else if (line.StartsWith("event:"u8))
            {
                var type = Value(line, 6);
                _eventType = type.SequenceEqual("message"u8) ? EventType.Message : type.SequenceEqual("ready"u8) ? EventType.Ready : EventType.Other;
            }
        }
        _stream.AsSpan(parsed, _streamEnd - parsed).CopyTo(_stream);
        _streamEnd -= parsed;
    }

    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> line, int field) =>
        line.Length > field && line[field] == ' ' ? line[(field + 1)..] : line[field..];

    private void Dispatch(long at)
    {
        switch (_eventType)
        {
            case EventType.Ready:
                _subscribed.TrySetResult();
                break;
            case EventType.Message when _dataEnd > 0:
                var message = JsonSerializer.Deserialize<InboxMessage>(_data.AsSpan(0, _dataEnd), MessagingNetwork.Web)
                    ?? throw new InvalidOperationException("a message event without a message");
                LastId = message.Id;
                _onMessage(message, at);
                break;
        }
        _eventType = EventType.None;
        _dataEnd = 0;
    }

    private static void Append(ref byte[] buffer, ref int end, ReadOnlySpan<byte> bytes)
    {
        if (end + bytes.Length > buffer.Length)
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, end + bytes.Length));
        bytes.CopyTo(buffer.AsSpan(end));
        end += bytes.Length;
    }

    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
            _thread.Join(TimeSpan.FromSeconds(5));
        _events.Dispose();
        _wake.Dispose();
        foreach (var connection in _posts)
            connection.Dispose();
    }

    /// <summary>One keep-alive connection and the bytes read from it that are not consumed yet.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly Socket _socket;
        private byte[] _buffer = new byte[16 * 1024];
        private int _start, _end;
        public int Seq = -1; // the message whose answer is awaited, -1 for none
        public long SentAt;

        private Connection(Socket socket)
        {
            _socket = socket;
            Fd = (int)socket.SafeHandle.DangerousGetHandle();
        }

        public int Fd { get; }

        public static Connection Open(IPEndPoint at)
        {
            var socket = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(at);
            socket.Blocking = false;
            return new Connection(socket);
        }

        public ReadOnlySpan<byte> Unread => _buffer.AsSpan(_start, _end - _start);

        public void Consume(int n)
        {
            _start += n;
            if (_start == _end)
                _start = _end = 0;
        }

        /// <summary>Reads what the socket holds; false when the peer has closed it.</summary>
        /// <remarks>A read that leaves room in the buffer took all there was: the poll is level-triggered and wakes again for more.</remarks>
        public bool Receive()
        {
            while (true)
            {
                if (_start > 0)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length)
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                var n = _socket.Receive(_buffer.AsSpan(_end), SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                    return true;
                if (error != SocketError.Success)
                    throw new SocketException((int)error);
                if (n == 0)
                    return false;
                _end += n;
                if (_end < _buffer.Length)
                    return true;
            }
        }

        /// <summary>Writes a whole request (head and body in one write: the node reads it at once).</summary>
        public void Send(ReadOnlySpan<byte> both)
        {
            while (!both.IsEmpty)
            {
                var n = _socket.Send(both, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    _socket.Poll(TimeSpan.FromMilliseconds(10), SelectMode.SelectWrite); // a full send buffer: rare with one request in flight
                    continue;
                }
                if (error != SocketError.Success)
                    throw new SocketException((int)error);
                both = both[n..];
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>Just enough of HTTP/1.1's framing to find where an answer ends, without a string a read.</summary>
    internal static class Http
    {
        public static int Status(ReadOnlySpan<byte> response) =>
            response.Length >= 12 && response.StartsWith("HTTP/1.1 "u8) && int.TryParse(response.Slice(9, 3), out var status) ? status
                : throw new InvalidOperationException($"not an HTTP/1.1 answer: {Encoding.ASCII.GetString(response[..Math.Min(40, response.Length)])}");

        public static bool IsChunked(ReadOnlySpan<byte> head) => Header(head, "transfer-encoding"u8, out var value) && Ascii.EqualsIgnoreCase(value, "chunked"u8);

        /// <summary>The length of the complete answer at the start of <paramref name="data"/>, or 0 while more bytes are needed.</summary>
        public static int CompleteResponse(ReadOnlySpan<byte> data, out int status)
        {
            status = 0;
            var headEnd = data.IndexOf("\r\n\r\n"u8);
            if (headEnd < 0)
                return 0;
            status = Status(data);
            var head = data[..headEnd];
            var at = headEnd + 4;
            if (Header(head, "content-length"u8, out var lengthText))
            {
                var end = at + int.Parse(lengthText);
                return data.Length >= end ? end : 0;
            }
            if (!IsChunked(head))
                return at;
            while (true)
            {
                var line = data[at..].IndexOf("\r\n"u8);
                if (line < 0)
                    return 0;
                var size = ChunkSize(data.Slice(at, line));
                at += line + 2;
                if (size == 0)
                    return data.Length >= at + 2 ? at + 2 : 0; // no trailers: the empty line that ends the body
                at += size + 2;
                if (at > data.Length)
                    return 0;
            }
        }

        /// <summary>A chunk's size line (hexadecimal, perhaps with extensions after a semicolon).</summary>
        public static int ChunkSize(ReadOnlySpan<byte> line)
        {
            if (line.IndexOf((byte)';') is var extension and >= 0)
                line = line[..extension];
            return int.Parse(line[Ascii.Trim(line)], NumberStyles.HexNumber);
        }

        private static bool Header(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        {
            foreach (var range in head.Split("\r\n"u8))
            {
                var line = head[range];
                var colon = line.IndexOf((byte)':');
                if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon], name))
                {
                    value = line[(colon + 1)..];
                    value = value[Ascii.Trim(value)];
                    return true;
                }
            }
            value = default;
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int ppoll([In, Out] PollFd[] fds, nuint nfds, ref TimeSpec timeout, IntPtr sigmask);
}
