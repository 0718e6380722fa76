-- CreateTable
CREATE TABLE "DraftListener" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "owner" TEXT,
    "json" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "DraftVirtualHost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "listenerId" TEXT NOT NULL,
    "filterChainIndex" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "domains" TEXT NOT NULL,
    "owner" TEXT,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftVirtualHost_listenerId_fkey" FOREIGN KEY ("listenerId") REFERENCES "DraftListener" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DraftRoute" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "virtualHostId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT,
    "matchKind" TEXT NOT NULL,
    "matchValue" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "clusterName" TEXT,
    "owner" TEXT,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftRoute_virtualHostId_fkey" FOREIGN KEY ("virtualHostId") REFERENCES "DraftVirtualHost" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DraftCluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "lbPolicy" TEXT NOT NULL,
    "owner" TEXT,
    "json" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "DraftEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "localityIndex" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftEndpoint_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "DraftCluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DraftCircuitBreaker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "priority" TEXT NOT NULL DEFAULT 'DEFAULT',
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftCircuitBreaker_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "DraftCluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "parentId" TEXT,
    "rollbackOfId" TEXT,
    "author" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "LiveState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "versionId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Node" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "address" TEXT,
    "connectedAt" DATETIME,
    "lastSeen" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedVersionId" TEXT,
    "lastError" TEXT,
    "lastErrorAt" DATETIME
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "details" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "DraftListener_name_key" ON "DraftListener"("name");

-- CreateIndex
CREATE UNIQUE INDEX "DraftVirtualHost_listenerId_filterChainIndex_name_key" ON "DraftVirtualHost"("listenerId", "filterChainIndex", "name");

-- CreateIndex
CREATE INDEX "DraftRoute_virtualHostId_position_idx" ON "DraftRoute"("virtualHostId", "position");

-- CreateIndex
CREATE INDEX "DraftRoute_clusterName_idx" ON "DraftRoute"("clusterName");

-- CreateIndex
CREATE UNIQUE INDEX "DraftCluster_name_key" ON "DraftCluster"("name");

-- CreateIndex
CREATE INDEX "DraftEndpoint_clusterId_localityIndex_position_idx" ON "DraftEndpoint"("clusterId", "localityIndex", "position");

-- CreateIndex
CREATE INDEX "DraftCircuitBreaker_clusterId_position_idx" ON "DraftCircuitBreaker"("clusterId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigVersion_number_key" ON "ConfigVersion"("number");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
