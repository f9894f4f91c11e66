namespace Metrics.Server.Tests;

/// <summary>
/// Tests that load both cores for minutes (the fuzz run, 200 live streams): alone, so that the
/// browser and process tests, which wait on real time, are not starved beside them, and so
/// that they measure the server, not the rest of the suite.
/// </summary>
[CollectionDefinition(nameof(LoadTests), DisableParallelization = true)]
public sealed class LoadTests;
