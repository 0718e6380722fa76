-- The environments an editor may change (JSON array of names); NULL: every environment.

-- AlterTable
ALTER TABLE "User" ADD COLUMN "environments" TEXT;
