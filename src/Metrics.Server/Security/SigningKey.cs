using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>The local signing key: 256 random bits in a file only its owner can read, made on first run.</summary>
public static class SigningKey
{
    public static SymmetricSecurityKey LoadOrCreate(string file)
    {
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            Storage.OwnerOnlyFiles.CreateFolder(Path.GetDirectoryName(path)!);
            var created = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            try
            {
                // CreateNew: two processes starting at once keep the first key, not a torn one.
                using var stream = Storage.OwnerOnlyFiles.Open(path, FileMode.CreateNew);
                using var writer = new StreamWriter(stream);
                writer.Write(created);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }

        var bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException($"The signing key in {path} is shorter than 256 bits; delete it to make a new one.");
        }

        return new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexString(SHA256.HashData(bytes))[..16] };
    }
}
