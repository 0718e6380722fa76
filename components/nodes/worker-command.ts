// The command line that enrolls a worker (the Nodes page's "Add node"), in the order the README documents.
export function workerCommand(o: { controlPlane: string; secret: string; environment: string; nodeId: string }): string {
  return `npx proxy-core --control-plane ${o.controlPlane} --token ${o.secret} --environment ${o.environment} --node-id ${o.nodeId}`;
}
