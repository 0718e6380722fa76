-- AlterTable
ALTER TABLE "Node" ADD COLUMN "lastErrorVersionId" TEXT;
