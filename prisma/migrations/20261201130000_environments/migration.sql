-- CreateTable
CREATE TABLE "Environment" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ConfigVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "number" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "parentId" TEXT,
    "rollbackOfId" TEXT,
    "author" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "routeTests" TEXT,
    "promotedFromId" TEXT
);
INSERT INTO "new_ConfigVersion" ("author", "createdAt", "hash", "id", "message", "number", "parentId", "rollbackOfId", "routeTests", "snapshot") SELECT "author", "createdAt", "hash", "id", "message", "number", "parentId", "rollbackOfId", "routeTests", "snapshot" FROM "ConfigVersion";
DROP TABLE "ConfigVersion";
ALTER TABLE "new_ConfigVersion" RENAME TO "ConfigVersion";
CREATE UNIQUE INDEX "ConfigVersion_environment_number_key" ON "ConfigVersion"("environment", "number");
CREATE TABLE "new_DraftChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "revision" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "change" TEXT NOT NULL
);
INSERT INTO "new_DraftChange" ("actor", "at", "change", "id", "kind", "name", "revision") SELECT "actor", "at", "change", "id", "kind", "name", "revision" FROM "DraftChange";
DROP TABLE "DraftChange";
ALTER TABLE "new_DraftChange" RENAME TO "DraftChange";
CREATE INDEX "DraftChange_environment_revision_idx" ON "DraftChange"("environment", "revision");
CREATE TABLE "new_DraftCluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL
);
INSERT INTO "new_DraftCluster" ("id", "json", "name", "position") SELECT "id", "json", "name", "position" FROM "DraftCluster";
DROP TABLE "DraftCluster";
ALTER TABLE "new_DraftCluster" RENAME TO "DraftCluster";
CREATE UNIQUE INDEX "DraftCluster_environment_name_key" ON "DraftCluster"("environment", "name");
CREATE TABLE "new_DraftListener" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "json" TEXT NOT NULL
);
INSERT INTO "new_DraftListener" ("id", "json", "name", "position") SELECT "id", "json", "name", "position" FROM "DraftListener";
DROP TABLE "DraftListener";
ALTER TABLE "new_DraftListener" RENAME TO "DraftListener";
CREATE UNIQUE INDEX "DraftListener_environment_name_key" ON "DraftListener"("environment", "name");
CREATE TABLE "new_Node" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "address" TEXT,
    "connectedAt" DATETIME,
    "lastSeen" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedVersionId" TEXT,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "lastErrorVersionId" TEXT,
    "labels" TEXT
);
INSERT INTO "new_Node" ("address", "appliedVersionId", "connected", "connectedAt", "id", "labels", "lastError", "lastErrorAt", "lastErrorVersionId", "lastSeen") SELECT "address", "appliedVersionId", "connected", "connectedAt", "id", "labels", "lastError", "lastErrorAt", "lastErrorVersionId", "lastSeen" FROM "Node";
DROP TABLE "Node";
ALTER TABLE "new_Node" RENAME TO "Node";
CREATE TABLE "new_Rollout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environment" TEXT NOT NULL DEFAULT 'default',
    "versionId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "nodes" TEXT,
    "actor" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "outcome" TEXT
);
INSERT INTO "new_Rollout" ("actor", "endedAt", "id", "nodes", "outcome", "startedAt", "target", "versionId") SELECT "actor", "endedAt", "id", "nodes", "outcome", "startedAt", "target", "versionId" FROM "Rollout";
DROP TABLE "Rollout";
ALTER TABLE "new_Rollout" RENAME TO "Rollout";
CREATE INDEX "Rollout_environment_endedAt_idx" ON "Rollout"("environment", "endedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- The singletons become one row per environment, keyed by its name: what existed is the "default" environment's.
INSERT INTO "Environment" ("name", "createdBy") VALUES ('default', 'system');
UPDATE "DraftState" SET "id" = 'default' WHERE "id" = 'draft';
UPDATE "RouteTestSuite" SET "id" = 'default' WHERE "id" = 'draft';
UPDATE "LiveState" SET "id" = 'default' WHERE "id" = 'live';
