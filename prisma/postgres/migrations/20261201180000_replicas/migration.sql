-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "replica" TEXT;

-- CreateTable
CREATE TABLE "Replica" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Replica_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "IdBlock" (
    "name" TEXT NOT NULL,
    "next" INTEGER NOT NULL,

    CONSTRAINT "IdBlock_pkey" PRIMARY KEY ("name")
);

-- CreateTable
-- UNLOGGED: per-second frames kept a minute, which a crash may lose (the 10 s rollups keep the traffic)
CREATE UNLOGGED TABLE "LiveFrame" (
    "id" SERIAL NOT NULL,
    "replica" TEXT NOT NULL,
    "t" BIGINT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "LiveFrame_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LiveFrame_t_idx" ON "LiveFrame"("t");
