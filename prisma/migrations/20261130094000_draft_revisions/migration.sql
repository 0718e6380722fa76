-- The draft's revision (ETag / If-Match on draft writes) and what each revision changed.
-- Draft rows keep only the columns a query or constraint uses; the rest is read from their `json`, which
-- already holds every dropped value, so existing drafts are carried over row by row with their ids.

-- CreateTable
CREATE TABLE "DraftState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "revision" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "DraftChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "revision" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "change" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DraftListener" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL
);
INSERT INTO "new_DraftListener" ("id", "json", "name", "position") SELECT "id", "json", "name", "position" FROM "DraftListener";
DROP TABLE "DraftListener";
ALTER TABLE "new_DraftListener" RENAME TO "DraftListener";
CREATE UNIQUE INDEX "DraftListener_name_key" ON "DraftListener"("name");
CREATE TABLE "new_DraftVirtualHost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "listenerId" TEXT NOT NULL,
    "filterChainIndex" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftVirtualHost_listenerId_fkey" FOREIGN KEY ("listenerId") REFERENCES "DraftListener" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DraftVirtualHost" ("filterChainIndex", "id", "json", "listenerId", "name", "position") SELECT "filterChainIndex", "id", "json", "listenerId", "name", "position" FROM "DraftVirtualHost";
DROP TABLE "DraftVirtualHost";
ALTER TABLE "new_DraftVirtualHost" RENAME TO "DraftVirtualHost";
CREATE UNIQUE INDEX "DraftVirtualHost_listenerId_filterChainIndex_name_key" ON "DraftVirtualHost"("listenerId", "filterChainIndex", "name");
CREATE TABLE "new_DraftRoute" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "virtualHostId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftRoute_virtualHostId_fkey" FOREIGN KEY ("virtualHostId") REFERENCES "DraftVirtualHost" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DraftRoute" ("id", "json", "position", "virtualHostId") SELECT "id", "json", "position", "virtualHostId" FROM "DraftRoute";
DROP TABLE "DraftRoute";
ALTER TABLE "new_DraftRoute" RENAME TO "DraftRoute";
CREATE INDEX "DraftRoute_virtualHostId_position_idx" ON "DraftRoute"("virtualHostId", "position");
CREATE TABLE "new_DraftCluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL
);
INSERT INTO "new_DraftCluster" ("id", "json", "name", "position") SELECT "id", "json", "name", "position" FROM "DraftCluster";
DROP TABLE "DraftCluster";
ALTER TABLE "new_DraftCluster" RENAME TO "DraftCluster";
CREATE UNIQUE INDEX "DraftCluster_name_key" ON "DraftCluster"("name");
CREATE TABLE "new_DraftEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "localityIndex" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftEndpoint_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "DraftCluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DraftEndpoint" ("clusterId", "id", "json", "localityIndex", "position") SELECT "clusterId", "id", "json", "localityIndex", "position" FROM "DraftEndpoint";
DROP TABLE "DraftEndpoint";
ALTER TABLE "new_DraftEndpoint" RENAME TO "DraftEndpoint";
CREATE INDEX "DraftEndpoint_clusterId_localityIndex_position_idx" ON "DraftEndpoint"("clusterId", "localityIndex", "position");
CREATE TABLE "new_DraftCircuitBreaker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL,
    CONSTRAINT "DraftCircuitBreaker_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "DraftCluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DraftCircuitBreaker" ("clusterId", "id", "json", "position") SELECT "clusterId", "id", "json", "position" FROM "DraftCircuitBreaker";
DROP TABLE "DraftCircuitBreaker";
ALTER TABLE "new_DraftCircuitBreaker" RENAME TO "DraftCircuitBreaker";
CREATE INDEX "DraftCircuitBreaker_clusterId_position_idx" ON "DraftCircuitBreaker"("clusterId", "position");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DraftChange_revision_idx" ON "DraftChange"("revision");
