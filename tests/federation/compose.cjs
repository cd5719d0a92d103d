// Composes finsam-graph's subgraph SDL with the kommun statistics subgraph
// into a supergraph with Apollo's own composition library, as a router's
// build would. Exits non-zero on any composition error and writes the
// supergraph SDL to the path given. .ci/run installs the library into a
// folder of its own and runs this with NODE_PATH pointing there:
//
//   node compose.cjs ../../schema.federation.graphql kommun-statistics.graphql out.graphql
const { readFileSync, writeFileSync } = require("node:fs");
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");

const [finsam, kommun, out] = process.argv.slice(2);
const services = [
  { name: "finsam-graph", url: "http://finsam-graph/graphql", typeDefs: parse(readFileSync(finsam, "utf8")) },
  { name: "kommun-statistics", url: "http://kommun-statistics/graphql", typeDefs: parse(readFileSync(kommun, "utf8")) },
];
const result = composeServices(services);
if (result.errors && result.errors.length) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
for (const hint of result.hints || []) console.log(`hint: ${hint.definition.code}: ${hint.message}`);
writeFileSync(out, result.supergraphSdl);
console.log(`supergraph composed from ${services.length} subgraphs: ${out}`);
