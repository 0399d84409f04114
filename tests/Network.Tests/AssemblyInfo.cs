using Xunit;

// Clusters of real processes share two cores: one scenario at a time keeps failure detection honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
