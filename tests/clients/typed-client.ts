// A small typed client over the web app's operations, as a frontend team
// would write one with GraphQL Code Generator's types: each call is typed
// by its operation's variables and result, so `tsc --noEmit` fails when the
// schema or an operation changes what the code below relies on.

import type {
  ForbundDirectoryQuery,
  ForbundDirectoryQueryVariables,
  InsatsPageQuery,
  InsatsPageQueryVariables,
  TodoQuery,
  UpdateInsatsMutation,
  UpdateInsatsMutationVariables,
} from "./generated/operations";

type Operations = {
  ForbundDirectory: [ForbundDirectoryQueryVariables, ForbundDirectoryQuery];
  InsatsPage: [InsatsPageQueryVariables, InsatsPageQuery];
  Todo: [Record<string, never>, TodoQuery];
  UpdateInsats: [UpdateInsatsMutationVariables, UpdateInsatsMutation];
};

export async function run<N extends keyof Operations>(
  endpoint: string,
  query: string,
  name: N,
  variables: Operations[N][0],
  token?: string,
): Promise<Operations[N][1]> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(endpoint, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, operationName: name, variables }),
  });
  const body = (await response.json()) as { data?: Operations[N][1]; errors?: { message: string; extensions?: { code?: string; rule?: string } }[] };
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new Error(`${first.extensions?.code ?? "ERROR"} ${first.extensions?.rule ?? ""}`);
  }
  if (!body.data) throw new Error("no data");
  return body.data;
}

/** Names of the förbund that still exist on `day`. */
export function activeNames(directory: ForbundDirectoryQuery, day: string): string[] {
  return directory.forbundList.edges
    .map((edge) => edge.node)
    .filter((f) => f.dissolvedOn === null || f.dissolvedOn >= day)
    .map((f) => f.name);
}

/** Spending as a share of the year's budget, where both are known. */
export function utilisation(page: InsatsPageQuery): Array<{ year: number; percent: number | null }> {
  const insats = page.insats;
  if (!insats || !insats.budgets) return [];
  return insats.budgets.map((b) => ({ year: b.year, percent: b.utilisationPercent }));
}

/** How many things wait, and the first proposal's kind. */
export function waiting(todo: TodoQuery): { count: number; first: string | null } {
  if (!todo.me) return { count: 0, first: null };
  const [first] = todo.me.todo.proposalsToAnswer;
  return { count: todo.me.todo.count, first: first ? first.kind : null };
}

/** A rename, against the version read. */
export function rename(id: string, version: number, name: string): UpdateInsatsMutationVariables {
  return { id, version, input: { name } };
}
