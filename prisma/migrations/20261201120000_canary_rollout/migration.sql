-- Canary publishes (lib/rollout/): a version served to some nodes before it goes live for all.

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "versionId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "nodes" TEXT,
    "actor" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "outcome" TEXT
);

-- CreateIndex
CREATE INDEX "Rollout_endedAt_idx" ON "Rollout"("endedAt");
