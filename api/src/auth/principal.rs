//! The caller of one request, as every resolver and service call sees it.

use serde::Serialize;

/// A role from the token's `roles` claim (DESIGN.md, "Access"). Tenant roles
/// (member, editor, admin, dso) are scoped to the token's `forbund`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, async_graphql::Enum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Editor,
    Admin,
    Dso,
    Analyst,
    NetworkAdmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Member,
        Role::Editor,
        Role::Admin,
        Role::Dso,
        Role::Analyst,
        Role::NetworkAdmin,
    ];

    /// The claim spelling; unknown spellings are ignored, not an error
    /// (a token may carry roles of other services).
    pub fn parse(claim: &str) -> Option<Role> {
        Some(match claim {
            "member" => Role::Member,
            "editor" => Role::Editor,
            "admin" => Role::Admin,
            "dso" => Role::Dso,
            "analyst" => Role::Analyst,
            "network_admin" => Role::NetworkAdmin,
            _ => return None,
        })
    }

    pub fn as_claim(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Editor => "editor",
            Role::Admin => "admin",
            Role::Dso => "dso",
            Role::Analyst => "analyst",
            Role::NetworkAdmin => "network_admin",
        }
    }
}

/// An authenticated subject, or anonymous (no token).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Principal {
    pub sub: Option<String>,
    /// The förbund (slug) the tenant roles apply to.
    pub forbund: Option<String>,
    pub roles: Vec<Role>,
}

impl Principal {
    pub fn anonymous() -> Self {
        Principal {
            sub: None,
            forbund: None,
            roles: Vec::new(),
        }
    }

    /// The actor of command-line imports and seeding: full rights, named so
    /// the audit log tells it apart from API callers.
    pub fn command_line() -> Self {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Principal {
            sub: Some(format!("cli:{user}")),
            forbund: None,
            roles: vec![Role::NetworkAdmin],
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.sub.is_none()
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the caller holds `role` for förbund `slug`.
    pub fn has_for(&self, role: Role, slug: &str) -> bool {
        self.has(role) && self.forbund.as_deref() == Some(slug)
    }

    pub fn roles_claim(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_claim())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The principal plus what the audit log records about the request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub request_id: Option<String>,
}

impl Caller {
    pub fn new(principal: Principal, request_id: Option<String>) -> Self {
        Caller {
            principal,
            request_id,
        }
    }

    pub fn command_line() -> Self {
        Caller::new(Principal::command_line(), None)
    }
}
