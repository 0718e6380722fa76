-- CreateTable
CREATE TABLE "DraftListener" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,

    CONSTRAINT "DraftListener_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftVirtualHost" (
    "id" TEXT NOT NULL,
    "listenerId" TEXT NOT NULL,
    "filterChainIndex" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    "owner" TEXT,

    CONSTRAINT "DraftVirtualHost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftRoute" (
    "id" TEXT NOT NULL,
    "virtualHostId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    "owner" TEXT,

    CONSTRAINT "DraftRoute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftCluster" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    "owner" TEXT,

    CONSTRAINT "DraftCluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftEndpoint" (
    "id" TEXT NOT NULL,
    "clusterId" TEXT NOT NULL,
    "localityIndex" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,

    CONSTRAINT "DraftEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftCircuitBreaker" (
    "id" TEXT NOT NULL,
    "clusterId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,

    CONSTRAINT "DraftCircuitBreaker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftState" (
    "id" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "DraftState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DraftChange" (
    "id" SERIAL NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "revision" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "actorTeams" TEXT,

    CONSTRAINT "DraftChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "number" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "parentId" TEXT,
    "rollbackOfId" TEXT,
    "author" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "routeTests" TEXT,
    "promotedFromId" TEXT,

    CONSTRAINT "ConfigVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RouteTestSuite" (
    "id" TEXT NOT NULL,
    "json" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "RouteTestSuite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveState" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LiveState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Node" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "address" TEXT,
    "connectedAt" TIMESTAMP(3),
    "lastSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedVersionId" TEXT,
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMP(3),
    "lastErrorVersionId" TEXT,
    "labels" TEXT,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GuardRun" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "previousVersionId" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "endedAt" TIMESTAMP(3),
    "rollbackVersionId" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,

    CONSTRAINT "GuardRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "versionId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "nodes" TEXT,
    "actor" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Environment" (
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "Environment_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "source" TEXT,
    "actorKind" TEXT NOT NULL DEFAULT 'system',

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TelemetryRollup" (
    "id" SERIAL NOT NULL,
    "step" INTEGER NOT NULL,
    "node" TEXT NOT NULL,
    "t" BIGINT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "TelemetryRollup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL,
    "ts" BIGINT NOT NULL,
    "node" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "cluster" TEXT,
    "details" TEXT NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "dnsNames" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "rotatedAt" TIMESTAMP(3),
    "rotations" INTEGER NOT NULL DEFAULT 0,
    "warnedOn" TEXT,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsoleSettings" (
    "id" TEXT NOT NULL,
    "retentionHours" INTEGER NOT NULL,
    "zipkinCollectorUrl" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsoleSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "role" TEXT,
    "environment" TEXT,
    "team" TEXT,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" TEXT NOT NULL DEFAULT 'viewer',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "environments" TEXT,
    "twoFactorEnabled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TwoFactor" (
    "id" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "backupCodes" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "verified" BOOLEAN NOT NULL DEFAULT true,
    "failedVerificationCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),

    CONSTRAINT "TwoFactor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SsoSettings" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecret" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "groupsClaim" TEXT NOT NULL,
    "groupMapping" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SsoSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshTokenExpiresAt" TIMESTAMP(3),
    "scope" TEXT,
    "password" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Verification" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamMember" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "DraftListener_environment_name_key" ON "DraftListener"("environment", "name");

-- CreateIndex
CREATE UNIQUE INDEX "DraftVirtualHost_listenerId_filterChainIndex_name_key" ON "DraftVirtualHost"("listenerId", "filterChainIndex", "name");

-- CreateIndex
CREATE INDEX "DraftRoute_virtualHostId_position_idx" ON "DraftRoute"("virtualHostId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "DraftCluster_environment_name_key" ON "DraftCluster"("environment", "name");

-- CreateIndex
CREATE INDEX "DraftEndpoint_clusterId_localityIndex_position_idx" ON "DraftEndpoint"("clusterId", "localityIndex", "position");

-- CreateIndex
CREATE INDEX "DraftCircuitBreaker_clusterId_position_idx" ON "DraftCircuitBreaker"("clusterId", "position");

-- CreateIndex
CREATE INDEX "DraftChange_environment_revision_idx" ON "DraftChange"("environment", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigVersion_environment_number_key" ON "ConfigVersion"("environment", "number");

-- CreateIndex
CREATE UNIQUE INDEX "GuardRun_versionId_key" ON "GuardRun"("versionId");

-- CreateIndex
CREATE INDEX "GuardRun_state_idx" ON "GuardRun"("state");

-- CreateIndex
CREATE INDEX "Rollout_environment_endedAt_idx" ON "Rollout"("environment", "endedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "TelemetryRollup_step_node_t_idx" ON "TelemetryRollup"("step", "node", "t");

-- CreateIndex
CREATE INDEX "TelemetryRollup_t_idx" ON "TelemetryRollup"("t");

-- CreateIndex
CREATE INDEX "Event_ts_idx" ON "Event"("ts");

-- CreateIndex
CREATE INDEX "Event_kind_ts_idx" ON "Event"("kind", "ts");

-- CreateIndex
CREATE UNIQUE INDEX "Secret_name_key" ON "Secret"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");

-- CreateIndex
CREATE INDEX "ApiToken_name_idx" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "TwoFactor_secret_idx" ON "TwoFactor"("secret");

-- CreateIndex
CREATE INDEX "TwoFactor_userId_idx" ON "TwoFactor"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Session_token_key" ON "Session"("token");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Account_userId_idx" ON "Account"("userId");

-- CreateIndex
CREATE INDEX "Verification_identifier_idx" ON "Verification"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");

-- CreateIndex
CREATE INDEX "TeamMember_userId_idx" ON "TeamMember"("userId");

-- AddForeignKey
ALTER TABLE "DraftVirtualHost" ADD CONSTRAINT "DraftVirtualHost_listenerId_fkey" FOREIGN KEY ("listenerId") REFERENCES "DraftListener"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DraftRoute" ADD CONSTRAINT "DraftRoute_virtualHostId_fkey" FOREIGN KEY ("virtualHostId") REFERENCES "DraftVirtualHost"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DraftEndpoint" ADD CONSTRAINT "DraftEndpoint_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "DraftCluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DraftCircuitBreaker" ADD CONSTRAINT "DraftCircuitBreaker_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "DraftCluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TwoFactor" ADD CONSTRAINT "TwoFactor_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Seed: the "default" environment every store starts with (prisma/migrations/20261201130000_environments inserts it for SQLite).
INSERT INTO "Environment" ("name", "createdBy") VALUES ('default', 'system');
