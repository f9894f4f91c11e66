using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Metrics.Server.Security;

/// <summary>Bearer tokens on every RPC but health; the roles' policies; the local key and its issuer.</summary>
public static class SecurityRegistration
{
    public static IServiceCollection AddForceSecurity(this IServiceCollection services, IConfiguration configuration, bool development)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName)
            .Configure(o => o.Reflection = configuration.GetValue<bool?>($"{SecurityOptions.SectionName}:{nameof(SecurityOptions.Reflection)}") ?? development)
            .PostConfigure<IOptions<Storage.StorageOptions>>((o, storage) =>
            {
                // The key and the tokens live with the data unless a path of their own is given.
                o.SigningKeyFile = Path.Combine(storage.Value.DataDirectory, o.SigningKeyFile.Length > 0 ? o.SigningKeyFile : "signing-key");
                o.TokenDirectory = o.TokenDirectory.Length == 0 ? o.TokenDirectory : Path.Combine(storage.Value.DataDirectory, o.TokenDirectory);
            })
            .Validate(o => !ProviderRoles.UnknownRoles(o.RoleMap).Any(), $"Security:RoleMap maps to roles this server does not have: it has {string.Join(", ", ForceRoles.All)}")
            .Validate(
                o => o.KeysRefreshEvery >= TimeSpan.FromMinutes(5) && o.KeysRefreshAtMostEvery >= TimeSpan.FromSeconds(1),
                "Security:KeysRefreshEvery must be at least 5 minutes and Security:KeysRefreshAtMostEvery at least 1 second (the identity model's own least)")
            .Validate(o => o.SigningKeyFile.Length > 0 && o.TokenLifetime > TimeSpan.Zero && o.TokenLifetime <= o.MaxTokenLifetime && o.ClockSkew >= TimeSpan.Zero, "Security:SigningKeyFile must be set, Security:TokenLifetime longer than zero and no longer than Security:MaxTokenLifetime, and Security:ClockSkew not negative")
            .ValidateOnStart();

        // The local key and its issuer exist even beside an authority: the demo publisher signs its own publisher token.
        services.AddSingleton(sp => SigningKey.LoadOrCreate(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.SigningKeyFile));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SecurityOptions>>().Value;
            return new TokenIssuer(sp.GetRequiredService<SymmetricSecurityKey>(), options.Issuer, options.Audience);
        });
        services.AddHostedService<DevelopmentTokens>();
        services.AddSingleton<ViewerTokenRenewal>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SecurityOptions>>().Value;
            return new ProviderRoles(options.RoleClaim, options.RoleMap);
        });
        services.AddHostedService<IdentityProviderCheck>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<SecurityOptions>, IServiceProvider>((jwt, security, sp) =>
            {
                var options = security.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new CachingTokenHandler(TimeProvider.System, options.MaxTokenLifetime) { MapInboundClaims = false });
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    ClockSkew = options.ClockSkew,
                    RoleClaimType = ForceRoles.ClaimType,
                    NameClaimType = "sub",
                };
                if (options.Authority.Length > 0)
                {
                    // Discovery and keys from the provider; its issuer is the one its discovery document names.
                    jwt.Authority = options.Authority;
                    jwt.Audience = options.Audience;
                    jwt.TokenValidationParameters.ValidIssuer = null;
                    jwt.AutomaticRefreshInterval = options.KeysRefreshEvery;
                    jwt.RefreshInterval = options.KeysRefreshAtMostEvery;
                }
                else
                {
                    jwt.TokenValidationParameters.IssuerSigningKey = sp.GetRequiredService<SymmetricSecurityKey>();
                }

                // A browser cannot put a header on a link: the report page also takes ?access_token=.
                var roles = sp.GetRequiredService<ProviderRoles>();
                jwt.Events = new JwtBearerEvents
                {
                    // Roles as the provider spells them become this server's roles, once per request.
                    // The provider out of reach is said so (UNAVAILABLE, GrpcAuthorizationResults), never
                    // "an issuer this server does not trust", which is what the token handler makes of
                    // having no keys, and never an exception out of the request.
                    OnAuthenticationFailed = async context =>
                    {
                        context.Fail(await IdentityProviderCheck.UnreachableOr(context.Exception, context.Options.ConfigurationManager, context.HttpContext.RequestAborted));
                    },
                    OnTokenValidated = context =>
                    {
                        context.Principal = roles.Apply(context.Principal!);
                        return Task.CompletedTask;
                    },
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments("/reports", StringComparison.Ordinal)
                            && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(ForceRoles.Policies.Read, p => p.RequireRole(ForceRoles.RolesFor(ForceRoles.Policies.Read)))
            .AddPolicy(ForceRoles.Policies.Publish, p => p.RequireRole(ForceRoles.RolesFor(ForceRoles.Policies.Publish)))
            .AddPolicy(ForceRoles.Policies.Administer, p => p.RequireRole(ForceRoles.RolesFor(ForceRoles.Policies.Administer)));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, Grpc.GrpcAuthorizationResults>();

        // After JwtBearer has made its configuration manager: a key the provider has withdrawn is
        // refused from the next fetch on, not honoured for another hour as "last known good".
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            if (jwt.ConfigurationManager is Microsoft.IdentityModel.Tokens.BaseConfigurationManager manager)
            {
                manager.UseLastKnownGoodConfiguration = false;
            }
        });
        return services;
    }
}
