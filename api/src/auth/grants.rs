//! What a provider's token may make its bearer (DESIGN.md, "Access"): the
//! roles it claims — in the provider's own claim names, or through its
//! table of group ids — kept only inside the provider's `grants`. A
//! förbund's own provider can never make anyone an editor elsewhere, an
//! analyst or a network admin; what it claims beyond that is dropped and
//! reported, never honoured.

use serde_json::Value;

use super::{Principal, Role};
use crate::config::ProviderSettings;

/// A role a token claimed that its provider may not grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub role: String,
    pub forbund: Option<String>,
}

/// Roles that are national (not of one förbund).
fn national(role: Role) -> bool {
    matches!(role, Role::Analyst | Role::NetworkAdmin)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        // Some providers send a space-separated string.
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// The principal a provider's verified claims stand for, and what was
/// refused. No role left: anonymous (a signed-in caller without a role would
/// otherwise see what signed-in callers see).
pub fn principal(provider: &ProviderSettings, claims: &Value) -> (Principal, Vec<Refused>) {
    let national_provider = provider.grants.iter().any(|g| g == "*");
    let may_grant_in =
        |forbund: &str| national_provider || provider.grants.iter().any(|g| g == forbund);
    // (role, förbund) pairs claimed directly or through groups.
    let mut claimed: Vec<(String, Option<String>)> = Vec::new();
    let forbund = claims
        .get(&provider.forbund_claim)
        .and_then(Value::as_str)
        .map(str::to_owned);
    for role in strings(claims.get(&provider.roles_claim)) {
        claimed.push((role, forbund.clone()));
    }
    for group in strings(claims.get(&provider.groups_claim)) {
        if let Some(mapped) = provider.groups.get(&group) {
            match mapped.split_once('@') {
                Some((role, forbund)) => {
                    claimed.push((role.to_string(), Some(forbund.to_string())))
                }
                None => claimed.push((mapped.clone(), None)),
            }
        }
    }
    let mut roles = Vec::new();
    let mut tenant: Option<String> = None;
    let mut refused = Vec::new();
    for (name, forbund) in claimed {
        // Roles of other services are not ours to refuse: ignored.
        let Some(role) = Role::parse(&name) else {
            continue;
        };
        let allowed = if national(role) {
            national_provider
        } else {
            match &forbund {
                // One förbund per principal: the first granted one.
                Some(f) => may_grant_in(f) && tenant.as_ref().is_none_or(|t| t == f),
                None => false,
            }
        };
        if allowed {
            if !national(role) {
                tenant = forbund;
            }
            if !roles.contains(&role) {
                roles.push(role);
            }
        } else {
            refused.push(Refused {
                role: name,
                forbund,
            });
        }
    }
    let sub = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
    if roles.is_empty() || sub.is_none() {
        return (Principal::anonymous(), refused);
    }
    (
        Principal {
            sub,
            forbund: tenant,
            roles,
        },
        refused,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn provider(grants: &[&str]) -> ProviderSettings {
        ProviderSettings {
            name: "test".into(),
            issuer: "https://login.example.org/realms/varend".into(),
            audiences: vec!["finsam-graph".into()],
            grants: grants.iter().map(|g| g.to_string()).collect(),
            roles_claim: "roles".into(),
            forbund_claim: "forbund".into(),
            groups_claim: "groups".into(),
            groups: [
                ("3f2a9c".to_string(), "editor@varend".to_string()),
                ("77aa".to_string(), "analyst".to_string()),
            ]
            .into(),
            client_id: None,
            ca_file: None,
        }
    }

    #[test]
    fn a_forbunds_provider_grants_roles_in_that_forbund_only() {
        let varend = provider(&["varend"]);
        let (p, refused) = principal(
            &varend,
            &json!({ "sub": "a", "roles": ["editor"], "forbund": "varend" }),
        );
        assert_eq!(
            (p.forbund.as_deref(), p.roles.clone()),
            (Some("varend"), vec![Role::Editor])
        );
        assert!(refused.is_empty());

        let (p, refused) = principal(
            &varend,
            &json!({ "sub": "a", "roles": ["editor"], "forbund": "vasteras" }),
        );
        assert!(
            p.is_anonymous(),
            "an editor of Västerås from Värend's provider is nobody"
        );
        assert_eq!(
            refused,
            [Refused {
                role: "editor".into(),
                forbund: Some("vasteras".into())
            }]
        );

        let (p, refused) = principal(
            &varend,
            &json!({ "sub": "a", "roles": ["network_admin", "member"], "forbund": "varend" }),
        );
        assert_eq!(
            p.roles,
            vec![Role::Member],
            "network_admin is not Värend's to grant"
        );
        assert_eq!(refused.len(), 1);
    }

    #[test]
    fn a_national_provider_grants_national_roles_and_any_forbund() {
        let national = provider(&["*"]);
        let (p, _) = principal(&national, &json!({ "sub": "a", "roles": "analyst" }));
        assert_eq!(p.roles, vec![Role::Analyst]);
        let (p, _) = principal(
            &national,
            &json!({ "sub": "a", "roles": ["dso"], "forbund": "vasteras" }),
        );
        assert_eq!(
            (p.forbund.as_deref(), p.roles.clone()),
            (Some("vasteras"), vec![Role::Dso])
        );
    }

    #[test]
    fn groups_map_to_roles_within_the_grants() {
        let varend = provider(&["varend"]);
        let (p, refused) = principal(
            &varend,
            &json!({ "sub": "a", "groups": ["3f2a9c", "77aa", "unknown"] }),
        );
        assert_eq!(
            (p.forbund.as_deref(), p.roles.clone()),
            (Some("varend"), vec![Role::Editor])
        );
        assert_eq!(
            refused,
            [Refused {
                role: "analyst".into(),
                forbund: None
            }],
            "analyst is national"
        );
    }
}
