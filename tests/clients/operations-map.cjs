// Writes generated/operations-map.ts: each operation of the web app by
// name, to the variables and result types Code Generator made for it, so
// the app's `run(name, variables)` (web/js/api.js, checked with
// // @ts-check) is typed by the operation it names.
const fs = require("fs");
const path = require("path");

const text = fs.readFileSync(path.join(__dirname, "../../web/operations.graphql"), "utf8");
const kinds = { query: "Query", mutation: "Mutation", subscription: "Subscription" };
const entries = [...text.matchAll(/^(query|mutation|subscription) (\w+)/gm)].map(
  ([, kind, name]) => `  ${name}: { variables: ${name}${kinds[kind]}Variables; result: ${name}${kinds[kind]} };`,
);
const names = [...text.matchAll(/^(query|mutation|subscription) (\w+)/gm)].flatMap(([, kind, name]) => [
  `${name}${kinds[kind]}`,
  `${name}${kinds[kind]}Variables`,
]);
const out = `// Made by tests/clients/operations-map.cjs; do not edit.\nimport type {\n${names.map((n) => `  ${n},`).join("\n")}\n} from "./operations";\n\nexport type Operations = {\n${entries.join("\n")}\n};\n`;
fs.mkdirSync(path.join(__dirname, "generated"), { recursive: true });
fs.writeFileSync(path.join(__dirname, "generated/operations-map.ts"), out);
