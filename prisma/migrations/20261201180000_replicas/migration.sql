-- AlterTable
ALTER TABLE "Node" ADD COLUMN "replica" TEXT;

-- CreateTable
CREATE TABLE "Replica" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "address" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "IdBlock" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "next" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "LiveFrame" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "replica" TEXT NOT NULL,
    "t" BIGINT NOT NULL,
    "data" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "LiveFrame_t_idx" ON "LiveFrame"("t");
