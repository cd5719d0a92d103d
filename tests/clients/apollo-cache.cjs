// Apollo Client's normalised cache against the real server: the catalogue
// is read, one insats renamed by a mutation, and the cached catalogue shows
// the new name without asking the server again (objects are identified by
// their global ids). Any warning the cache gives (a missing field, an
// object it cannot identify) fails the check.
//
//   node tests/clients/apollo-cache.cjs http://127.0.0.1:PORT/graphql TOKEN

const { ApolloClient, InMemoryCache, HttpLink, gql } = require("@apollo/client");

const [endpoint, token] = process.argv.slice(2);
if (!endpoint || !token) {
  console.error("usage: apollo-cache.cjs ENDPOINT TOKEN");
  process.exit(2);
}

const warnings = [];
for (const level of ["warn", "error"]) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(args.map(String).join(" "));
    original(...args);
  };
}

const CATALOGUE = gql`
  query ApolloCatalogue {
    insatser(first: 20) {
      edges { node { id name version forbund { id name } } }
    }
  }
`;
const RENAME = gql`
  mutation ApolloRename($id: ID!, $version: Int!, $name: String!) {
    updateInsats(id: $id, version: $version, input: { name: $name }) { id name version }
  }
`;

function fail(message) {
  console.error(`apollo-cache: ${message}`);
  process.exit(1);
}

async function main() {
  let requests = 0;
  const client = new ApolloClient({
    link: new HttpLink({
      uri: endpoint,
      headers: { Authorization: `Bearer ${token}` },
      fetch: (...args) => {
        requests += 1;
        return fetch(...args);
      },
    }),
    cache: new InMemoryCache(),
  });
  const first = await client.query({ query: CATALOGUE });
  const nodes = first.data.insatser.edges.map((e) => e.node);
  if (nodes.length < 5) fail(`too few insatser: ${nodes.length}`);
  const ids = new Set(nodes.map((n) => n.id));
  if (ids.size !== nodes.length) fail("two insatser share an id");
  const target = nodes[0];
  const name = `${target.name} (Apollo)`;
  const renamed = await client.mutate({ mutation: RENAME, variables: { id: target.id, version: target.version, name } });
  if (renamed.data.updateInsats.name !== name) fail(`the mutation answered ${JSON.stringify(renamed.data)}`);
  const before = requests;
  const cached = await client.query({ query: CATALOGUE, fetchPolicy: "cache-only" });
  if (requests !== before) fail("the cached list asked the server again");
  const shown = cached.data.insatser.edges.find((e) => e.node.id === target.id);
  if (!shown || shown.node.name !== name) fail("the cached list does not show the new name");
  if (shown.node.version !== target.version + 1) fail("the cached list does not show the new version");
  // Each insats and förbund is one object in the cache, under its global id.
  const entities = Object.keys(client.cache.extract()).filter((k) => k.startsWith("Insats:"));
  if (entities.length !== ids.size) fail(`${entities.length} cached insatser for ${ids.size} ids`);
  if (warnings.length) fail(`the cache warned: ${warnings.join(" | ")}`);
  console.log(`apollo-cache: ${ids.size} insatser cached by id; a rename reached the cached list without a request`);
}

main().catch((e) => fail(e.stack || String(e)));
