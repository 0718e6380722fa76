-- CreateTable
CREATE TABLE "TelemetryRollup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "step" INTEGER NOT NULL,
    "node" TEXT NOT NULL,
    "t" BIGINT NOT NULL,
    "data" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ts" BIGINT NOT NULL,
    "node" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "cluster" TEXT,
    "details" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ConsoleSettings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "retentionHours" INTEGER NOT NULL,
    "zipkinCollectorUrl" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "TelemetryRollup_step_node_t_idx" ON "TelemetryRollup"("step", "node", "t");

-- CreateIndex
CREATE INDEX "TelemetryRollup_t_idx" ON "TelemetryRollup"("t");

-- CreateIndex
CREATE INDEX "Event_ts_idx" ON "Event"("ts");

-- CreateIndex
CREATE INDEX "Event_kind_ts_idx" ON "Event"("kind", "ts");
