// The schema as a versioned contract: compares the SDL the code serves
// (schema.graphql) with the last released one (schema.released.graphql),
// using graphql-js's own findBreakingChanges and findDangerousChanges, and
// fails on a breaking change that CHANGELOG.md's "Unreleased" section does
// not declare (by naming its schema coordinate in backticks, e.g.
// `Insats.name`). Removals go through @deprecated(reason:) first.
//
//   node tests/contract/schema-diff.cjs RELEASED.graphql SERVED.graphql CHANGELOG.md

const fs = require("fs");
const { buildSchema, findBreakingChanges, findDangerousChanges } = require("graphql");

const [released, served, changelog] = process.argv.slice(2);
if (!released || !served || !changelog) {
  console.error("usage: schema-diff.cjs RELEASED.graphql SERVED.graphql CHANGELOG.md");
  process.exit(2);
}

const load = (file) => buildSchema(fs.readFileSync(file, "utf8"), { assumeValidSDL: true });
const before = load(released);
const after = load(served);

/** The schema coordinate a change's description starts with ("Query.insatser"). */
function coordinate(description) {
  const m = /^([_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*)?)/.exec(description);
  return m ? m[1] : description;
}

/** The coordinates the changelog's Unreleased section names in backticks. */
function declared(text) {
  const start = text.search(/^## \[Unreleased\]/m);
  if (start < 0) return new Set();
  const rest = text.slice(start + 1);
  const next = rest.search(/^## \[/m);
  const section = next < 0 ? rest : rest.slice(0, next);
  return new Set([...section.matchAll(/`([_A-Za-z][_0-9A-Za-z.]*)`/g)].map((m) => m[1]));
}

const named = declared(fs.readFileSync(changelog, "utf8"));
const breaking = findBreakingChanges(before, after);
const dangerous = findDangerousChanges(before, after);
const undeclared = breaking.filter((c) => !named.has(coordinate(c.description)));

for (const c of breaking) {
  const mark = named.has(coordinate(c.description)) ? "declared" : "UNDECLARED";
  console.log(`breaking (${mark}): ${c.type}: ${c.description}`);
}
for (const c of dangerous) console.log(`dangerous: ${c.type}: ${c.description}`);
console.log(`${breaking.length} breaking (${undeclared.length} undeclared), ${dangerous.length} dangerous`);
if (undeclared.length) {
  console.error(
    "Breaking changes not declared in CHANGELOG.md's Unreleased section: " +
      undeclared.map((c) => coordinate(c.description)).join(", ") +
      ". Deprecate first (@deprecated(reason:)), or declare the change by naming it in backticks.",
  );
  process.exit(1);
}
