// `node --import` preload for BENCH_PUBLISH_CPU_PROF: node 20 refuses --cpu-prof in NODE_OPTIONS, so the
// console's CPU profile is taken through node:inspector instead and written when the process exits.
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  process.on("exit", () => {
    // a same-thread session answers synchronously, so this runs before the process is gone
    session.post("Profiler.stop", (err, res) => {
      if (!err) fs.writeFileSync(path.join(dir, `console-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
