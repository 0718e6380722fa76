-- Publish guards (lib/guard/) and the workers' --node-label pairs.

-- AlterTable
ALTER TABLE "Node" ADD COLUMN "labels" TEXT;

-- CreateTable
CREATE TABLE "GuardRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "versionId" TEXT NOT NULL,
    "previousVersionId" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "endedAt" DATETIME,
    "rollbackVersionId" TEXT,
    "acknowledgedAt" DATETIME,
    "acknowledgedBy" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "GuardRun_versionId_key" ON "GuardRun"("versionId");

-- CreateIndex
CREATE INDEX "GuardRun_state_idx" ON "GuardRun"("state");
