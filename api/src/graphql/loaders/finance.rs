//! A förbund's finances and its stored reports, for a list of förbund at
//! once: `forbundList { edges { node { finances(year:) financeReports } } }`
//! reads each year's finances in the same statements and the reports in
//! one, however many förbund the page holds. What the caller may read is
//! decided by the service before it reads (`service::finance::read_many`,
//! `reports_of`): the loaders are the caller's own, like every request's.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::Loader;
use finsam_entity::{finance_report, forbund};
use sea_orm::DatabaseConnection;

use crate::auth::Principal;
use crate::service::finance::{self, Finances};

/// The förbund a finance loader reads for, told by each resolver before it
/// loads (`owner`): finances carry their förbund, and the caller's right
/// depends on its slug, so reading it again would be a statement more.
pub struct ForbundOf {
    db: DatabaseConnection,
    principal: Principal,
    owners: Mutex<HashMap<i32, forbund::Model>>,
}

impl ForbundOf {
    pub fn new(db: &DatabaseConnection, principal: &Principal) -> Self {
        ForbundOf {
            db: db.clone(),
            principal: principal.clone(),
            owners: Mutex::new(HashMap::new()),
        }
    }

    /// Makes `owner` known before its finances are asked for.
    pub fn owner(&self, owner: &forbund::Model) {
        if let Ok(mut owners) = self.owners.lock() {
            owners.entry(owner.id).or_insert_with(|| owner.clone());
        }
    }

    /// The keys' förbund, grouped by what else the keys hold (a year, a
    /// range of years): one read per group.
    fn grouped<K, G: Hash + Eq>(
        &self,
        keys: &[K],
        split: impl Fn(&K) -> (i32, G),
    ) -> Result<HashMap<G, Vec<forbund::Model>>, async_graphql::Error> {
        let owners = self
            .owners
            .lock()
            .map_err(|_| async_graphql::Error::new("internal error"))?;
        let mut out: HashMap<G, Vec<forbund::Model>> = HashMap::new();
        for key in keys {
            let (id, group) = split(key);
            if let Some(owner) = owners.get(&id) {
                out.entry(group).or_default().push(owner.clone());
            }
        }
        Ok(out)
    }
}

/// A year's finances the caller is shown, by (förbund id, year); a key
/// without an answer is finances the caller is not shown.
pub struct FinanceYears(pub ForbundOf);

impl Loader<(i32, i32)> for FinanceYears {
    type Value = Arc<Finances>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i32, i32)],
    ) -> Result<HashMap<(i32, i32), Self::Value>, Self::Error> {
        let mut out = HashMap::new();
        for (year, owners) in self.0.grouped(keys, |(id, year)| (*id, *year))? {
            let found = finance::read_many(&self.0.db, &self.0.principal, &owners, year)
                .await
                .map_err(|e| e.extend())?;
            for (id, finances) in found {
                out.insert((id, year), Arc::new(finances));
            }
        }
        Ok(out)
    }
}

/// The stored reports the caller may read, by (förbund id, from year, to
/// year); one statement per distinct range.
pub struct FinanceReports(pub ForbundOf);

impl Loader<(i32, i32, i32)> for FinanceReports {
    type Value = Arc<Vec<finance_report::Model>>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i32, i32, i32)],
    ) -> Result<HashMap<(i32, i32, i32), Self::Value>, Self::Error> {
        let mut out = HashMap::new();
        for ((from, to), owners) in self.0.grouped(keys, |(id, f, t)| (*id, (*f, *t)))? {
            let found = finance::reports_of(&self.0.db, &self.0.principal, &owners, from, to)
                .await
                .map_err(|e| e.extend())?;
            for (id, reports) in found {
                out.insert((id, from, to), Arc::new(reports));
            }
        }
        Ok(out)
    }
}
