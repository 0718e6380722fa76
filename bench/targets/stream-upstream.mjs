// Upstream for the body-streaming scenario: POST /sink consumes the body and answers its size;
// GET /blob?mb=N streams N MiB.
import http from "node:http";

const port = Number(process.argv[2]);
const chunk = Buffer.alloc(1 << 20, 120);
http
  .createServer((req, res) => {
    if (req.method === "POST") {
      let n = 0;
      req.on("data", (d) => (n += d.length));
      req.on("end", () => res.end(String(n)));
      return;
    }
    const mb = Number(new URL(req.url, "http://x").searchParams.get("mb") ?? 1);
    res.writeHead(200, { "content-length": String(mb * chunk.length), "content-type": "application/octet-stream" });
    let sent = 0;
    const pump = () => {
      while (sent < mb) {
        sent++;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    pump();
  })
  .listen(port, "127.0.0.1");
