# The metrics server. Built by docker compose (see docker-compose.yml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/Metrics.Server/Metrics.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Not root: the image's own unprivileged user, which owns only the data directory (a new
# volume mounted there takes this ownership).
RUN mkdir -p /app/data && chown "$APP_UID" /app/data && chmod 700 /app/data
USER $APP_UID
EXPOSE 5080 5081 5443
ENTRYPOINT ["dotnet", "Metrics.Server.dll"]
