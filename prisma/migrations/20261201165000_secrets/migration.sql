-- TLS secrets (Envoy's SDS Secret): PEM material sealed with the console's secret key, metadata in the clear
CREATE TABLE "Secret" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "dnsNames" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "notBefore" DATETIME NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "rotatedAt" DATETIME,
    "rotations" INTEGER NOT NULL DEFAULT 0,
    "warnedOn" TEXT
);
CREATE UNIQUE INDEX "Secret_name_key" ON "Secret"("name");
