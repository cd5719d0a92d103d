//! Which insatser a caller may read, as an SQL condition: the same rule
//! as `policy::allows(ReadInsats)`, applied in the query so pages and
//! counts never hold a hidden row.

use finsam_entity::{forbund, insats, insats_share};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

use crate::auth::Principal;
use crate::auth::policy::{self, InsatsScope};
use crate::domain::insats::Visibility;

pub(super) fn forbund_ids_of(slugs: Vec<String>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(forbund::Column::Id)
        .from(forbund::Entity)
        .and_where(forbund::Column::Slug.is_in(slugs))
        .to_owned()
}

/// The rows `principal` may read, as SQL (mirrors `policy::allows(ReadInsats)`).
pub fn visible(principal: &Principal) -> Condition {
    match policy::insats_scope(principal) {
        InsatsScope::All => Condition::all(),
        InsatsScope::PublicOnly => {
            Condition::all().add(insats::Column::Visibility.eq(Visibility::Public.as_str()))
        }
        InsatsScope::Network { own } => {
            let mut any = Condition::any().add(
                insats::Column::Visibility
                    .is_in([Visibility::Public.as_str(), Visibility::Network.as_str()]),
            );
            if let Some(own) = own {
                any = any
                    .add(insats::Column::ForbundId.in_subquery(forbund_ids_of(vec![own.clone()])))
                    .add(
                        insats::Column::Id.in_subquery(
                            Query::select()
                                .column(insats_share::Column::InsatsId)
                                .from(insats_share::Entity)
                                .and_where(
                                    insats_share::Column::ForbundId
                                        .in_subquery(forbund_ids_of(vec![own])),
                                )
                                .to_owned(),
                        ),
                    );
            }
            Condition::all().add(any)
        }
    }
}
