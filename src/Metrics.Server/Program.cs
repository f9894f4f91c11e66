using Metrics.Server.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ServerRegistration.ContentRoot() });
builder.AddMetricsServer();

var app = builder.Build();
app.MapMetricsServer();
await app.RunAsync();
