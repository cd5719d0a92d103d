// GraphQL Code Generator: TypeScript types for every operation the web app
// sends (web/operations.graphql), against the schema the code serves. The
// typed client beside it (typed-client.ts) is checked with `tsc --noEmit`,
// so a schema change that breaks an operation fails CI.
const path = require("path");

const root = path.resolve(__dirname, "../..");

module.exports = {
  schema: path.join(root, "schema.graphql"),
  documents: path.join(root, "web/operations.graphql"),
  generates: {
    [path.join(__dirname, "generated/operations.ts")]: {
      plugins: ["typescript-operations"],
      config: {
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string", _Any: "unknown" },
      },
    },
  },
};
