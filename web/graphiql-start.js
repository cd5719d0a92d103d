// GraphiQL against this server, from assets served by the binary itself
// (no CDN): a signed-in token from the web app's session is offered as the
// Authorization header.
const token = sessionStorage.getItem("finsam.token");
const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    headers: token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : undefined,
  }),
);
