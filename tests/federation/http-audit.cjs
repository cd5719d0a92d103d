// Runs the GraphQL-over-HTTP specification's own audit suite (graphql-http's
// auditServer) against a running server and fails on any error or warning;
// the MAY notices are printed (the README says what the server decides on
// each). .ci/run installs graphql-http into a folder of its own and runs
// this with NODE_PATH pointing there:
//
//   node http-audit.cjs http://127.0.0.1:8080/graphql
const { auditServer } = require("graphql-http");

(async () => {
  const url = process.argv[2];
  const results = await auditServer({ url });
  let failed = 0;
  for (const result of results) {
    if (result.status === "ok") continue;
    const line = `${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}`;
    console.log(line);
    if (result.status === "error" || result.status === "warn") failed += 1;
  }
  const counts = results.reduce((c, r) => ({ ...c, [r.status]: (c[r.status] || 0) + 1 }), {});
  console.log(`graphql-http audit of ${url}: ${JSON.stringify(counts)}`);
  process.exit(failed ? 1 : 0);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
