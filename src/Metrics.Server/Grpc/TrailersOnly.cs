using System.Globalization;
using System.Text;

namespace Metrics.Server.Grpc;

/// <summary>
/// A gRPC refusal written before gRPC handles the call (by a middleware): a trailers-only
/// response, whose status gRPC and gRPC-Web clients both read from the headers.
/// </summary>
internal static class TrailersOnly
{
    /// <summary>The status, its message, and its details (google.rpc.Status, as grpc-status-details-bin: base64 of the message).</summary>
    public static void Refuse(HttpContext context, Google.Rpc.Status status)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = context.Request.ContentType;
        context.Response.Headers["grpc-status"] = status.Code.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = EncodeMessage(status.Message);
        context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(status));
    }

    /// <summary>
    /// grpc-message as the gRPC spec encodes it: printable ASCII as it is, every other byte of
    /// the UTF-8 (and '%') as %XX. Not URI escaping: grpc-js decodes with decodeURI, which leaves
    /// an escaped ':' or '/' as "%3A", so a client would show the escapes.
    /// </summary>
    public static string EncodeMessage(string message)
    {
        var encoded = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
