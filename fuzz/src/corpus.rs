//! The documents fuzzing starts from: the README's examples and the web
//! app's operations (what clients really send), the shapes of the
//! hostile-input tests, and the nested documents that once aborted the server.

pub fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = [
        r#"{ forbundList(first: 20) { totalCount edges { node { slug name orgNumber county } } } }"#,
        r#"{ forbund(slug: "vastmanland") { name foundedOn members { name kind fundingSharePercent } predecessors { slug name dissolvedOn } } }"#,
        r#"{ forbund(slug: "vastmanland") { insatser(includePredecessors: true, filter: { activeOn: "2026-11-23", age: 25 }) { totalCount edges { node { name targetGroup capacityYearPlaces carriedOverFrom { forbund { name } } budgets(year: 2026) { budgetSek spentSek utilisationPercent } } } } } }"#,
        r#"{ dsoFor(forbund: "sundbyberg") { provider { name } contact validFrom validTo } dsoServedBy(forbund: "sundbyberg") { recipient { name } validFrom } }"#,
        r#"mutation { updateForbund(input: { id: "3", version: 1, notes: "Board meets in Växjö" }) { id version notes } }"#,
        r#"{ insatser(first: 7, orderBy: { field: NAME, direction: DESC }) { pageInfo { endCursor hasNextPage } edges { cursor node { id name } } } }"#,
        r#"{ insatser(filter: { search: "vasteras" }) { totalCount edges { node { name forbund { slug } } } } }"#,
        r#"{ dsoRing(on: "2021-03-01") { complete periodEndsOn noticeDeadline members { slug } } }"#,
        r#"{ dsoSchedule(from: "2020-01-01", to: "2030-12-31") { from members { slug } } }"#,
        r#"{ dsoLeavePreview(forbund: "vasteras", noticeReceivedOn: "2026-01-15") { lastDay } }"#,
        r#"{ indicatorComparison(forbund: "sodra-dalarna", year: 2020) { year } }"#,
        r#"{ networkComparison(indicator: "6", year: 2020) { forbundCount } }"#,
        r#"{ populationSupport(area: "1980", year: 2018) { sharePercent } }"#,
        r#"{ meetings(from: "2021-01-01", to: "2021-12-31") { id } }"#,
        r#"{ auditLog(first: 5) { totalCount edges { node { operation } } } }"#,
        r#"{ me { sub roles forbund } }"#,
        r#"mutation { createInsats(input: { forbund: "varend", name: "Gränsfall" }) { id version } }"#,
        r#"query($s: String!) { insatser(filter: { search: $s }) { totalCount } }"#,
        r#"{ __schema { types { name fields { name } } } }"#,
        r#"query A { __typename } query B { me { sub } }"#,
        r#"{ ...F } fragment F on QueryRoot { forbundList { totalCount } }"#,
    ]
    .into_iter()
    .map(String::from)
    .collect();
    // The web app's own operations, as a browser sends them.
    let operations = include_str!("../../web/operations.graphql");
    let starts: Vec<usize> = operations
        .match_indices("\nquery ")
        .map(|(i, _)| i + 1)
        .chain([operations.len()])
        .collect();
    for pair in starts.windows(2) {
        seeds.push(operations[pair[0]..pair[1]].to_string());
    }
    for levels in [1_600, 5_000] {
        let n = |open: &str, inner: &str, close: &str| {
            format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
        };
        seeds.push(format!(
            "{{ forbund(slug: {}) {{ slug }} }}",
            n("[", "\"x\"", "]")
        ));
        seeds.push(format!(
            "{{ insatser(filter: {}) {{ totalCount }} }}",
            n("{a:", "1", "}")
        ));
        seeds.push(format!(
            "{{ __typename @skip(if: {}) }}",
            n("[", "true", "]")
        ));
        seeds.push(format!(
            "query($a: [String] = {}) {{ __typename }}",
            n("[", "\"x\"", "]")
        ));
    }
    seeds
}
