using Google.Protobuf;
using Grpc.Core;

/// <summary>
/// One unary method called with its request serialized once and its response counted, not
/// parsed: the load client shares the two cores it measures, and parsing a 5.4 KB series into
/// objects cost it more than the server spent answering. The scenario parses a first response
/// in full and gives its size; every later response must be that size, or it is an error.
/// </summary>
internal sealed class PreparedCall
{
    private static readonly Marshaller<byte[]> AsSent = Marshallers.Create(bytes => bytes, bytes => bytes);
    private static readonly Marshaller<ResponseSize> Counted = Marshallers.Create<ResponseSize>(
        (_, _) => throw new NotSupportedException("the load client only receives responses"),
        context => new ResponseSize(context.PayloadLength));

    private readonly Method<byte[], ResponseSize> _method;
    private readonly byte[] _request;
    private readonly CallOptions _options;

    /// <param name="route">The method's path, "/package.Service/Method".</param>
    public PreparedCall(string route, IMessage request, Metadata headers)
    {
        var parts = route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        _method = new Method<byte[], ResponseSize>(MethodType.Unary, parts[0], parts[1], AsSent, Counted);
        _request = request.ToByteArray();
        _options = new CallOptions(headers);
    }

    /// <summary>Calls the method once and returns the size of its response.</summary>
    public async Task<int> CallAsync(CallInvoker invoker) => (await invoker.AsyncUnaryCall(_method, null, _options, _request)).Bytes;
}

internal sealed record ResponseSize(int Bytes);
