'use strict';
// The workers' line protocol, shared by every Node worker: one JSON object
// per line in on stdin, one JSON object per line out on stdout, in order.
// `answer(request)` returns the reply object (or a promise of it); a line
// that is not a JSON object, or an answer that throws, gets
// {ok: false, error}. The daemon sends one request at a time; replies are
// still chained so that they can never overtake each other.
const readline = require("node:readline");

function serve(answer) {
  let last = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", (line) => {
    last = last.then(async () => {
      let resp;
      try {
        const req = JSON.parse(line);
        if (req === null || typeof req !== "object") throw new Error("request must be a JSON object");
        resp = await answer(req);
      } catch (e) {
        resp = { ok: false, error: `${e && e.name}: ${e && e.message}` };
      }
      process.stdout.write(JSON.stringify(resp) + "\n");
    });
  });
}

module.exports = { serve };
