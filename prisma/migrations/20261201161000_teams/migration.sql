-- Teams own virtual hosts, routes and clusters of the draft (console metadata only)
CREATE TABLE "Team" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");

CREATE TABLE "TeamMember" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("teamId", "userId"),
    CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "TeamMember_userId_idx" ON "TeamMember"("userId");

ALTER TABLE "DraftVirtualHost" ADD COLUMN "owner" TEXT;
ALTER TABLE "DraftRoute" ADD COLUMN "owner" TEXT;
ALTER TABLE "DraftCluster" ADD COLUMN "owner" TEXT;
ALTER TABLE "DraftChange" ADD COLUMN "actorTeams" TEXT;
ALTER TABLE "ApiToken" ADD COLUMN "team" TEXT;
