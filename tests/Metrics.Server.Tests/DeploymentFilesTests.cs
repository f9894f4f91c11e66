using YamlDotNet.RepresentationModel;

namespace Metrics.Server.Tests;

/// <summary>
/// The compose deployment as an attacker on the same network would meet it (issue 16, item 8):
/// one published port, SQL Server reachable only by the services beside it, the server on its
/// own least-privilege login and not root, and the TLS private key readable by the server alone.
/// And the scale-out profile (issue 17): three JetStream nodes, two replicas sharing them, and
/// only the balancer published. Docker cannot run here: the files are read as Docker reads them.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Fact]
    public void OnlyTheServicePortIsPublishedAndSqlServerIsNot()
    {
        var published = Services.Children
            .Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("ports"))
            .SelectMany(s => ((YamlSequenceNode)s.Value["ports"]).Select(p => $"{s.Key}:{p}"))
            .ToList();

        Assert.Equal(["metrics:5443:5443", "balancer:8443:8443"], published);
        Assert.Equal(["scale-out"], ((YamlSequenceNode)Service("balancer")["profiles"]).Select(p => p.ToString()));
    }

    [Fact]
    public void TheScaleOutProfileRunsThreeJetStreamNodesAndTwoReplicasOfOneLogBehindTheBalancer()
    {
        var nodes = new[] { "nats-1", "nats-2", "nats-3" };
        foreach (var node in nodes)
        {
            var command = ((YamlSequenceNode)Service(node)["command"]).Select(n => n.ToString()).ToList();
            Assert.Contains("-js", command);
            Assert.Equal(node, command[command.IndexOf("-n") + 1]);
            Assert.Equal("nats://nats-1:6222,nats://nats-2:6222,nats://nats-3:6222", command[command.IndexOf("--routes") + 1]);
        }

        var replicas = new[] { "replica-1", "replica-2" };
        foreach (var replica in replicas)
        {
            var environment = (YamlMappingNode)Service(replica)["environment"];
            Assert.Equal("JetStream", environment["Live__Log"].ToString());
            Assert.Equal(string.Join(',', nodes.Select(n => $"nats://{n}:4222")), environment["Live__JetStream__Servers"].ToString());
            Assert.Equal(replica, environment["Live__JetStream__Replica"].ToString());
            Assert.Equal("metrics_app", new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(environment["Storage__ConnectionString"].ToString()).UserID);
        }

        var balancer = File.ReadAllText(Path.Combine(RepositoryFolders.Root, "deploy", "nginx", "scale-out.conf"));
        Assert.All(replicas, r => Assert.Contains($"server {r}:5080", balancer, StringComparison.Ordinal));
        Assert.All(replicas, r => Assert.Contains($"server {r}:5081", balancer, StringComparison.Ordinal));
        Assert.Contains("grpc_pass grpc://replicas_grpc;", balancer, StringComparison.Ordinal);
        Assert.Contains("proxy_buffering off;", balancer, StringComparison.Ordinal);
    }

    [Fact]
    public void TheServerConnectsWithItsOwnLoginNotTheAdministrator()
    {
        var environment = (YamlMappingNode)Service("metrics")["environment"];
        var connection = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(environment["Storage__ConnectionString"].ToString());

        Assert.Equal("metrics_app", connection.UserID);
        Assert.Equal("false", environment["Storage__CreateDatabase"].ToString());
        Assert.DoesNotContain("MSSQL_SA_PASSWORD", Service("metrics").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheTlsKeyIsTheServersAloneAndTheServerDoesNotRunAsRoot()
    {
        var command = string.Join(' ', ((YamlSequenceNode)Service("certificate")["command"]).Select(n => n.ToString()));
        var dockerfile = File.ReadAllLines(Path.Combine(RepositoryFolders.Root, "Dockerfile"));
        var finalStage = dockerfile.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();

        Assert.Contains("chmod 600 /certs/metrics.key", command, StringComparison.Ordinal);
        Assert.Contains("chown 1654:1654 /certs/metrics.key", command, StringComparison.Ordinal);
        Assert.DoesNotContain("chmod 644", command, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", finalStage);
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static YamlMappingNode LoadServices()
    {
        using var reader = new StreamReader(Path.Combine(RepositoryFolders.Root, "docker-compose.yml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }
}
