using Metrics.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMetricsServer();

var app = builder.Build();
app.MapMetricsServer();
await app.RunAsync();
