-- The service's database and its own login, with only the rights it needs (docs/sql-server.md).
-- Run once by an administrator (docker compose runs it as the sqlserver-setup service); safe to
-- run again. sqlcmd variables: AppLogin, AppPassword (single quotes doubled by the caller).
IF DB_ID(N'metrics') IS NULL
    CREATE DATABASE metrics;
GO

-- Reads see the last committed figures instead of waiting behind an import or an hourly capture.
IF (SELECT is_read_committed_snapshot_on FROM sys.databases WHERE name = N'metrics') = 0
    ALTER DATABASE metrics SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
GO

IF SUSER_ID(N'$(AppLogin)') IS NULL
    CREATE LOGIN [$(AppLogin)] WITH PASSWORD = N'$(AppPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = metrics;
ELSE
    ALTER LOGIN [$(AppLogin)] WITH PASSWORD = N'$(AppPassword)';
GO

USE metrics;
GO

-- Read and write the figures, and apply the service's own migrations (DbUp keeps its journal in
-- dbo.SchemaVersions). Nothing on the server, no other database.
IF USER_ID(N'$(AppLogin)') IS NULL
    CREATE USER [$(AppLogin)] FOR LOGIN [$(AppLogin)];
ALTER ROLE db_datareader ADD MEMBER [$(AppLogin)];
ALTER ROLE db_datawriter ADD MEMBER [$(AppLogin)];
ALTER ROLE db_ddladmin ADD MEMBER [$(AppLogin)];
GO
