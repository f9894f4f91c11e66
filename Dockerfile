# The metrics server. Built by docker compose (see docker-compose.yml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/Metrics.Server/Metrics.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
EXPOSE 5080 5081 5443
ENTRYPOINT ["dotnet", "Metrics.Server.dll"]
