-- CreateTable
CREATE TABLE "SharedKey" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SharedKey_pkey" PRIMARY KEY ("name")
);
