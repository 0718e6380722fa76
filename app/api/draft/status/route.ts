import { withHandler } from "@/lib/http";
import { DraftStatus } from "@/lib/contract";
import { draftStatus } from "@/lib/config/config-service";

/** {live:{id,number,hash}|null, draftHash, changes:[{kind,name,change}], nodes:{total,connected,applied,rejected}} */
export const GET = withHandler({ response: DraftStatus }, async () => draftStatus());
