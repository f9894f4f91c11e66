using Grpc.Core;
using Grpc.Net.Client;

namespace Metrics.Server.Tests;

/// <summary>Channels that send a bearer token with every call, over cleartext as the tests' servers are.</summary>
internal static class TestTokens
{
    public static GrpcChannelOptions ChannelOptions(string? token, HttpMessageHandler? handler = null) => new()
    {
        HttpHandler = handler,
        Credentials = token is null
            ? ChannelCredentials.Insecure
            : ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", $"Bearer {token}");
                return Task.CompletedTask;
            })),
        UnsafeUseInsecureChannelCallCredentials = true,
    };
}
