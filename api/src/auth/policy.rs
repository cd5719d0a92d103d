//! Every access rule of DESIGN.md's role table, in one place. The service layer
//! asks `allows` before it reads or writes; resolvers never check roles.
//!
//! Tenant roles (member, editor, admin, dso) count only for the förbund named
//! in the token; editor implies member, admin implies editor.

use super::{Principal, Role};

pub use crate::domain::insats::Visibility;

/// Which insatser a caller may read, as the service turns it into SQL for
/// lists; `allows(ReadInsats)` decides single rows by the same rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InsatsScope {
    All,
    /// Anonymous callers and tokens without a förbund role.
    PublicOnly,
    /// PUBLIC and NETWORK of every förbund, plus PRIVATE ones of `own` and
    /// those shared with `own`.
    Network {
        own: Option<String>,
    },
}

pub fn insats_scope(principal: &Principal) -> InsatsScope {
    if principal.has(Role::NetworkAdmin) {
        InsatsScope::All
    } else if principal.any_membership() {
        InsatsScope::Network {
            own: principal.forbund.clone(),
        }
    } else if principal.has(Role::Analyst) {
        InsatsScope::Network { own: None }
    } else {
        InsatsScope::PublicOnly
    }
}

/// An operation on the data, with what the rule needs to know about the row.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Förbund directory, DSO-ring lookups, national averages, meeting
    /// calendar: public.
    ReadPublic,
    /// createForbund / updateForbund, DSO agreements, indicator definitions,
    /// national averages.
    ManageNetwork,
    /// Reading an insats of `owner`; `shared` when explicitly shared with the
    /// caller's förbund.
    ReadInsats {
        owner: &'a str,
        visibility: Visibility,
        shared: bool,
    },
    /// Budgets and spending of an insats the caller may read.
    ReadInsatsMoney { owner: &'a str },
    /// Ordering insatser by their budget totals: an order reveals the values
    /// it sorts by, so only for callers who may see money.
    OrderInsatserByMoney,
    /// Small counts in an insats's breakdowns, unsuppressed.
    ReadInsatsDetailsInFull { owner: &'a str },
    /// Create or change insatser, budgets, outcomes, goals, meetings, shares.
    EditForbundContent { forbund: &'a str },
    /// A förbund's own indicator results in full (not suppressed).
    ReadOwnIndicators { forbund: &'a str },
    /// Record indicator results for a förbund (and import them).
    WriteIndicatorResults { forbund: &'a str },
    /// Every förbund's results, named, and network comparisons.
    ReadNetworkIndicators,
    /// File a DSO-ring notice or join for a förbund, and answer a proposal
    /// that changes its DSO.
    ManageDsoMembership { forbund: &'a str },
    /// The DSO-ring proposals that concern a förbund (it is a party, or asked).
    ReadDsoProposals { forbund: &'a str },
    /// The audit log of `forbund`; `served_by_caller` when the caller's
    /// förbund is the DSO provider of `forbund` on the day asked.
    ReadAuditLog {
        forbund: &'a str,
        served_by_caller: bool,
    },
    /// The audit log across all förbund.
    ReadAllAuditLogs,
    /// Every DSO-ring proposal, whoever its parties (the network's view).
    ReadAllDsoProposals,
    /// A förbund's finances of a year and its reports on them; `published`
    /// when a report the board received for the year is published (a
    /// public document).
    ReadFinances { forbund: &'a str, published: bool },
}

impl Principal {
    fn tenant(&self, forbund: &str, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has_for(*r, forbund))
    }

    /// Signed in with any role tied to some förbund.
    fn any_membership(&self) -> bool {
        self.forbund.is_some()
            && [Role::Member, Role::Editor, Role::Admin, Role::Dso]
                .iter()
                .any(|r| self.has(*r))
    }
}

const MEMBER: &[Role] = &[Role::Member, Role::Editor, Role::Admin, Role::Dso];
const EDITOR: &[Role] = &[Role::Editor, Role::Admin];
const ADMIN: &[Role] = &[Role::Admin];

/// How much of a network comparison a caller sees (DESIGN.md role table:
/// anonymous callers get the national average and the distribution; members
/// see their own förbund named among anonymous ranks; analysts and
/// network_admin see every förbund named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkView {
    DistributionOnly,
    OwnNamed(String),
    AllNamed,
}

pub fn network_view(principal: &Principal) -> NetworkView {
    if allows(principal, Action::ReadNetworkIndicators) {
        NetworkView::AllNamed
    } else if let (true, Some(own)) = (principal.any_membership(), &principal.forbund) {
        NetworkView::OwnNamed(own.clone())
    } else {
        NetworkView::DistributionOnly
    }
}

/// Whether `principal` may perform `action`.
pub fn allows(principal: &Principal, action: Action<'_>) -> bool {
    if principal.has(Role::NetworkAdmin) {
        return true;
    }
    match action {
        Action::ReadPublic => true,
        Action::ManageNetwork => false,
        Action::ReadInsats {
            owner,
            visibility,
            shared,
        } => match (insats_scope(principal), visibility) {
            (InsatsScope::All, _) | (_, Visibility::Public) => true,
            (InsatsScope::PublicOnly, _) => false,
            (InsatsScope::Network { .. }, Visibility::Network) => true,
            (InsatsScope::Network { own }, Visibility::Private) => {
                own.as_deref() == Some(owner) && principal.tenant(owner, MEMBER)
                    || (shared && own.is_some())
            }
        },
        Action::ReadInsatsMoney { .. } | Action::OrderInsatserByMoney => !principal.is_anonymous(),
        Action::ReadInsatsDetailsInFull { owner } => principal.tenant(owner, MEMBER),
        Action::EditForbundContent { forbund } => principal.tenant(forbund, EDITOR),
        Action::ReadOwnIndicators { forbund } => {
            principal.tenant(forbund, MEMBER) || principal.has(Role::Analyst)
        }
        Action::WriteIndicatorResults { forbund } => principal.tenant(forbund, ADMIN),
        Action::ReadNetworkIndicators => principal.has(Role::Analyst),
        Action::ManageDsoMembership { forbund } => principal.tenant(forbund, ADMIN),
        Action::ReadDsoProposals { forbund } => principal.tenant(forbund, MEMBER),
        Action::ReadAuditLog {
            forbund,
            served_by_caller,
        } => principal.tenant(forbund, ADMIN) || (served_by_caller && principal.has(Role::Dso)),
        Action::ReadAllAuditLogs | Action::ReadAllDsoProposals => false,
        Action::ReadFinances { forbund, published } => {
            published || principal.tenant(forbund, MEMBER)
        }
    }
}

/// `allows`, as the error a write gets: anonymous callers are told to sign
/// in (UNAUTHENTICATED), signed-in callers without the right are FORBIDDEN.
pub fn require(principal: &Principal, action: Action<'_>) -> crate::error::ApiResult<()> {
    if allows(principal, action) {
        return Ok(());
    }
    // Denials are logged (who and what, never the token), not written to the
    // audit log: nothing changed.
    tracing::info!(
        sub = principal.sub.as_deref().unwrap_or("anonymous"),
        roles = %principal.roles_claim(),
        forbund = principal.forbund.as_deref().unwrap_or("-"),
        action = ?action,
        "access denied"
    );
    if principal.is_anonymous() {
        Err(crate::error::ApiError::Unauthenticated(
            "sign in to do this".into(),
        ))
    } else {
        Err(crate::error::ApiError::Forbidden)
    }
}

/// What of a board decision a caller sees (DESIGN.md role table: a
/// decision's text and amount follow the visibility of the insats it funds;
/// its money is money, like a förbund's allocations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionView {
    pub text: bool,
    pub amount: bool,
}

/// `funds`: `None` when the decision funds no insats, else whether the
/// caller may see the insats it funds (`insats_scope` decides that, in SQL).
pub fn decision_view(principal: &Principal, funds: Option<bool>, owner: &str) -> DecisionView {
    let text = funds.unwrap_or(true);
    DecisionView {
        text,
        amount: text && allows(principal, Action::ReadInsatsMoney { owner }),
    }
}

/// Every change needs a signed-in caller: checked before anything of the
/// input is looked at, so an anonymous request learns nothing from a write
/// (not even whether the row it names exists).
pub fn require_signed_in(principal: &Principal) -> crate::error::ApiResult<()> {
    if principal.is_anonymous() {
        return Err(crate::error::ApiError::Unauthenticated(
            "sign in to do this".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(roles: &[Role], forbund: Option<&str>) -> Principal {
        Principal {
            sub: Some("t".into()),
            forbund: forbund.map(str::to_owned),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn a_decision_shows_what_its_insats_shows() {
        let anonymous = Principal::anonymous();
        let member = p(&[Role::Member], Some("varend"));
        let seen = |who: &Principal, funds| {
            let v = decision_view(who, funds, "varend");
            (v.text, v.amount)
        };
        assert_eq!(
            seen(&anonymous, None),
            (true, false),
            "money is for signed-in callers"
        );
        assert_eq!(
            seen(&anonymous, Some(false)),
            (false, false),
            "a private insats's grant"
        );
        assert_eq!(seen(&member, Some(true)), (true, true));
        assert_eq!(seen(&member, Some(false)), (false, false));
    }

    #[test]
    fn only_network_admin_manages_the_registry() {
        assert!(allows(
            &p(&[Role::NetworkAdmin], None),
            Action::ManageNetwork
        ));
        for role in Role::ALL.into_iter().filter(|r| *r != Role::NetworkAdmin) {
            assert!(
                !allows(&p(&[role], Some("varend")), Action::ManageNetwork),
                "{role:?}"
            );
        }
        assert!(!allows(&Principal::anonymous(), Action::ManageNetwork));
    }

    #[test]
    fn tenant_roles_count_only_for_their_own_forbund() {
        let editor = p(&[Role::Editor], Some("varend"));
        assert!(allows(
            &editor,
            Action::EditForbundContent { forbund: "varend" }
        ));
        assert!(!allows(
            &editor,
            Action::EditForbundContent {
                forbund: "vasteras"
            }
        ));
        let member = p(&[Role::Member], Some("varend"));
        assert!(!allows(
            &member,
            Action::EditForbundContent { forbund: "varend" }
        ));
    }

    #[test]
    fn private_insatser_need_the_owner_or_a_share() {
        let other = p(&[Role::Member], Some("vasteras"));
        let private = |shared| Action::ReadInsats {
            owner: "varend",
            visibility: Visibility::Private,
            shared,
        };
        assert!(!allows(&other, private(false)));
        assert!(allows(&other, private(true)));
        assert!(allows(&p(&[Role::Member], Some("varend")), private(false)));
        assert!(!allows(&Principal::anonymous(), private(true)));
    }

    #[test]
    fn the_dso_reads_only_the_log_of_the_forbund_it_serves() {
        let dso = p(&[Role::Dso], Some("vasteras"));
        assert!(allows(
            &dso,
            Action::ReadAuditLog {
                forbund: "sundbyberg",
                served_by_caller: true
            }
        ));
        assert!(!allows(
            &dso,
            Action::ReadAuditLog {
                forbund: "sodertalje",
                served_by_caller: false
            }
        ));
    }
}
