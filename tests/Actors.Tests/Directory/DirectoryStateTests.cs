using ActorNet.Actors.Directory;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Xunit;

namespace ActorNet.Actors.Tests.Directory;

public class DirectoryStateTests
{
    private static readonly BureauCode FR = new("FR");
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Enrolling_a_new_bureau_lists_it_once()
    {
        var events = DirectoryState.Empty.Enrol(FR, null, T0);
        var state = events.Aggregate(DirectoryState.Empty, (s, e) => s.Apply(e));

        Assert.Single(events);
        Assert.True(state.Knows(FR));
        Assert.Empty(state.Enrol(FR, null, T0.AddMinutes(1)));
    }

    [Fact]
    public void A_new_key_fingerprint_is_recorded_but_enrolment_time_kept()
    {
        var state = DirectoryState.Empty.Apply(new DirectoryEvents.BureauEnrolled(FR, null, T0));
        var events = state.Enrol(FR, "abc", T0.AddDays(1));
        state = events.Aggregate(state, (s, e) => s.Apply(e));

        Assert.Equal("abc", state.Bureaus[FR].Fingerprint);
        Assert.Equal(T0, state.Bureaus[FR].EnrolledAt);
        Assert.Empty(state.Enrol(FR, "abc", T0.AddDays(2)));
    }

    [Fact]
    public void Seen_moves_last_seen_and_the_view_marks_who_is_online()
    {
        var state = DirectoryState.Empty
            .Apply(new DirectoryEvents.BureauEnrolled(FR, null, T0))
            .Apply(new DirectoryEvents.BureauSeen(FR, false, T0.AddHours(2)))
            .Apply(new DirectoryEvents.BureauSeen(new BureauCode("US"), true, T0.AddHours(3)));

        var view = state.ToView(new HashSet<BureauCode> { new("US") }, T0.AddHours(4));

        Assert.Equal(["FR", "US"], view.Entries.Select(e => e.Bureau.Value));
        Assert.Equal(T0.AddHours(2), view.Entries[0].LastSeen);
        Assert.False(view.Entries[0].Online);
        Assert.True(view.Entries[1].Online);
    }
}

/// <summary>The directory's decisions on keys: enrolment, approval, rotation, and what GS still has to sign.</summary>
public sealed class DirectoryKeyDecisionTests : IDisposable
{
    private static readonly BureauCode FR = new("FR");
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly ActorNet.Protocol.Sealing.BureauKeyRing _v1 = ActorNet.Protocol.Sealing.BureauKeyRing.Create();
    private readonly ActorNet.Protocol.Sealing.BureauKeyRing _v2;

    public DirectoryKeyDecisionTests() => _v2 = _v1.Rotate();

    public void Dispose()
    {
        _v1.Dispose();
        _v2.Dispose();
    }

    private static DirectoryState Applied(DirectoryState state, IEnumerable<object> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    private DirectoryState Enrolled() => Applied(DirectoryState.Empty, DirectoryState.Empty.EnrolKeys(FR, _v1.PublicKeys(FR), null, T0).Events);

    [Fact]
    public void A_new_bureau_is_pending_and_nothing_is_signed_for_it()
    {
        var state = Enrolled();

        Assert.False(state.IsApproved(FR));
        Assert.Empty(state.Unendorsed(FR, signed: true));
        Assert.Empty(state.EnrolKeys(FR, _v1.PublicKeys(FR), null, T0.AddHours(1)).Events);
    }

    [Fact]
    public void Approval_is_decided_once_and_then_every_key_version_needs_GS_signature()
    {
        var decision = Enrolled().Approve(FR, T0.AddHours(1), "admin");
        var state = Applied(Enrolled(), decision.Events);

        Assert.True(state.IsApproved(FR));
        Assert.Equal([1], state.Unendorsed(FR, signed: true).Select(k => k.Version));
        Assert.Equal(T0.AddHours(1), state.Approve(FR, T0.AddHours(2), "admin").AlreadyApprovedAt);

        state = state.Apply(new DirectoryEvents.KeysEndorsed(DirectorySigner.Unsigned.Endorse(_v1.PublicKeys(FR), T0)));
        Assert.Empty(state.Unendorsed(FR, signed: false));
        Assert.Single(state.Unendorsed(FR, signed: true)); // an unsigned endorsement is signed again once GS has a certificate
    }

    [Fact]
    public void Unknown_bureaus_and_bureaus_without_keys_cannot_be_approved()
    {
        Assert.True(DirectoryState.Empty.Approve(FR, T0, "admin").Unknown);
        var seen = Applied(DirectoryState.Empty, DirectoryState.Empty.Enrol(FR, null, T0));
        var decision = seen.Approve(FR, T0, "admin");
        Assert.False(decision.Unknown);
        Assert.Contains("no keys", decision.Refusal);
    }

    [Fact]
    public void A_rotation_is_listed_only_with_a_proof_from_the_listed_version()
    {
        var next = _v2.PublicKeys(FR);
        var proof = KeyRotation.Prove(_v1, next);

        Assert.Contains("without a rotation proof", Enrolled().EnrolKeys(FR, next, null, T0).Refusal);
        Assert.Contains("does not verify", Enrolled().EnrolKeys(FR, next, new byte[64], T0).Refusal);
        var decision = Enrolled().EnrolKeys(FR, next, proof, T0);
        Assert.Null(decision.Refusal);
        Assert.True(decision.IsRotation);
        Assert.Equal(next.Fingerprint, Applied(Enrolled(), decision.Events).Bureaus[FR].Fingerprint);

        using var v3 = _v2.Rotate();
        Assert.Contains("never reached GS", Enrolled().EnrolKeys(FR, v3.PublicKeys(FR), KeyRotation.Prove(_v2, v3.PublicKeys(FR)), T0).Refusal);
    }

    [Fact]
    public void Other_keys_under_a_listed_version_are_refused()
    {
        using var replaced = ActorNet.Protocol.Sealing.BureauKeyRing.Create();

        var decision = Enrolled().EnrolKeys(FR, replaced.PublicKeys(FR), null, T0);

        Assert.Contains("its keys directory was replaced", decision.Refusal);
        Assert.Empty(decision.Events);
    }
}
