using Metrics.Console;

return await MetricsCli.RunAsync(args);
