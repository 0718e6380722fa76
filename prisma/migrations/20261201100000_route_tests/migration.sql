-- Route tests stored with the config: the draft's suite (one row) and the suite each version was published with.

-- AlterTable
ALTER TABLE "ConfigVersion" ADD COLUMN "routeTests" TEXT;

-- CreateTable
CREATE TABLE "RouteTestSuite" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "json" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL
);
