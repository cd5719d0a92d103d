// Relay fragments over this API, compiled by relay-compiler in CI against
// the schema the code serves: a catalogue that pages with @connection and
// refetches through `node`, an insats and a DSO agreement that refetch by
// their global ids (`Node`).

declare function graphql(strings: TemplateStringsArray): unknown;

export const catalogue = graphql`
  fragment fragmentsCatalogue_query on Query
  @refetchable(queryName: "fragmentsCatalogueRefetchQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" }) {
    insatser(first: $first, after: $after) @connection(key: "fragmentsCatalogue_insatser") {
      edges {
        node {
          id
          name
          forbund {
            name
          }
        }
      }
    }
  }
`;

export const insats = graphql`
  fragment fragmentsInsats_insats on Insats @refetchable(queryName: "fragmentsInsatsRefetchQuery") {
    id
    name
    status
    budgets {
      year
      budgetSek
    }
  }
`;

export const agreement = graphql`
  fragment fragmentsRing_agreement on DsoAgreement @refetchable(queryName: "fragmentsRingRefetchQuery") {
    id
    name
  }
`;
