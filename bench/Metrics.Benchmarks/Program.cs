using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Metrics.Benchmarks.IngestBenchmarks).Assembly).Run(args);
