namespace Metrics.Server.Security;

/// <summary>
/// The roles a token may carry (claim "roles", as Entra ID and ADFS issue them) and the
/// policies the RPCs require. An admin also reads what it manages; a publisher (a force
/// system sending events) reads nothing.
/// </summary>
public static class ForceRoles
{
    /// <summary>History, analytics and the live feed.</summary>
    public const string Viewer = "viewer";

    /// <summary>Pushes operational events.</summary>
    public const string Publisher = "publisher";

    /// <summary>Imports, measure and area definitions.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Publisher, Admin];

    /// <summary>The claim the roles are read from.</summary>
    public const string ClaimType = "roles";

    public static class Policies
    {
        public const string Read = "read";
        public const string Publish = "publish";
        public const string Administer = "administer";
    }

    /// <summary>The roles that satisfy each policy, for the policies and for the errors that name them.</summary>
    public static IReadOnlyList<string> RolesFor(string policy) => policy switch
    {
        Policies.Read => [Viewer, Admin],
        Policies.Publish => [Publisher],
        Policies.Administer => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "no such policy"),
    };
}
