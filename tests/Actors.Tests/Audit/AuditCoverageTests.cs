using ActorNet.Actors.Audit;
using ActorNet.Protocol.Audit;
using Xunit;

namespace ActorNet.Actors.Tests.Audit;

public class AuditCoverageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static AuditEntry Entry(string kind, AuditSource? source) =>
        AuditEntry.Create(1, T0, kind, "m", "US", "d", AuditEntry.Genesis, source: source);

    [Fact]
    public void Nothing_is_unrecorded_once_entries_name_every_event()
    {
        var coverage = new AuditCoverage();
        coverage.Add(new AuditSource("outbox-FR", 1, 3));
        coverage.Add(AuditSource.Of("outbox-FR", 4));
        coverage.Add(new AuditSource("outbox-FR", 5, 9));

        Assert.Empty(coverage.Unrecorded("outbox-FR", 9));
        Assert.Empty(coverage.Unrecorded("outbox-FR", 5));
        Assert.Equal([(10L, 12L)], coverage.Unrecorded("outbox-FR", 12));
    }

    [Fact]
    public void Names_the_gaps_entries_recorded_out_of_order_leave()
    {
        var coverage = new AuditCoverage();
        coverage.Add(new AuditSource("inbox-US", 20, 25));
        coverage.Add(new AuditSource("inbox-US", 1, 5));
        coverage.Add(new AuditSource("inbox-US", 8, 10));
        coverage.Add(new AuditSource("inbox-US", 6, 6));
        coverage.Add(new AuditSource("outbox-US", 1, 100));

        Assert.Equal([(7L, 7L), (11L, 19L), (26L, 30L)], coverage.Unrecorded("inbox-US", 30));
        Assert.Equal([(7L, 7L), (11L, 12L)], coverage.Unrecorded("inbox-US", 12));
        // Ranges recorded twice (a range read back after a restart, over entries of its own) merge.
        coverage.Add(new AuditSource("inbox-US", 7, 19));
        coverage.Add(new AuditSource("inbox-US", 3, 22));
        Assert.Equal([(26L, 30L)], coverage.Unrecorded("inbox-US", 30));
    }

    [Fact]
    public void A_journal_no_entry_names_is_unrecorded_from_its_first_event()
    {
        var coverage = new AuditCoverage();
        coverage.Add(Entry(AuditKinds.NodeStarted, null));
        coverage.Add(Entry(AuditKinds.KeyCreated, null));

        Assert.Equal([(1L, 4L)], coverage.Unrecorded("outbox-FR", 4));
        Assert.Empty(coverage.Unrecorded("outbox-FR", 0));
    }

    [Fact]
    public void A_log_from_before_entries_named_their_events_asks_nothing_of_what_came_before()
    {
        var coverage = new AuditCoverage();
        coverage.Add(Entry(AuditKinds.MessageSent, null)); // written by an earlier version
        Assert.Empty(coverage.Unrecorded("outbox-FR", 500));

        coverage.Add(Entry(AuditKinds.MessageSent, new AuditSource("outbox-FR", 501, 510)));
        Assert.Equal([(511L, 520L)], coverage.Unrecorded("outbox-FR", 520));
    }

    [Fact]
    public void A_log_whose_directory_entries_named_no_events_asks_the_directory_nothing_of_what_came_before()
    {
        var coverage = new AuditCoverage();
        coverage.Add(Entry(AuditKinds.NodeStarted, null));
        coverage.Add(Entry(AuditKinds.KeyEnrolled, null)); // the directory's, written by an earlier version
        Assert.Empty(coverage.Unrecorded("directory", 40));
        Assert.Equal([(1L, 3L)], coverage.Unrecorded("outbox-GS", 3)); // message journals are not concerned

        coverage.Add(Entry(AuditKinds.BureauOnline, new AuditSource("directory", 41, 42)));
        Assert.Equal([(43L, 45L)], coverage.Unrecorded("directory", 45));
    }

    [Fact]
    public void Key_entries_without_events_after_the_directorys_first_named_one_change_nothing()
    {
        var coverage = new AuditCoverage();
        // A new GS node: the directory's entry for its own enrolment, then the node's enrolment actor's, which names none.
        coverage.Add(Entry(AuditKinds.KeyEnrolled, new AuditSource("directory", 2, 3)));
        coverage.Add(Entry(AuditKinds.KeyEnrolled, null));
        coverage.Add(Entry(AuditKinds.BureauApproved, null));

        Assert.Equal([(1L, 1L), (4L, 5L)], coverage.Unrecorded("directory", 5));
    }
}
