//! The first pages of many förbund's `insatser` and their counts, for a
//! directory of förbund each with its own connection of insatser: one
//! statement per distinct page spec in a request, however many förbund.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::Loader;
use sea_orm::DatabaseConnection;

/// What one nested `insatser(…)` asks for, the förbund aside.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PageSpec {
    pub filter: crate::service::insats::InsatsFilter,
    pub field: crate::service::insats::OrderField,
    pub direction: crate::service::insats::Direction,
    pub limit: u64,
}

/// A spec's key within a request: a hash of the spec, so equal specs share
/// it and their förbund batch together.
pub type PageKey = u64;

/// The first pages of many förbund's `insatser`, batched by spec: one
/// statement per distinct spec in a request (`service::insats::first_pages`:
/// a `UNION ALL` of one `LIMIT` per förbund on SQLite, `unnest` joined
/// laterally on PostgreSQL).
pub struct FirstPages {
    db: DatabaseConnection,
    principal: crate::auth::Principal,
    specs: std::sync::Mutex<HashMap<PageKey, PageSpec>>,
    /// Fixed, so that the first pages and the counts of one spec (two
    /// registries, registered in the same order) give it the same key.
    hasher: std::hash::BuildHasherDefault<std::hash::DefaultHasher>,
    /// Every row loaded per spec: each förbund's page then warms the
    /// relations of all of them at once, one statement per relation.
    /// Shared, not copied, with each förbund's resolver: a directory of
    /// twenty förbund read every row twenty times when each took a copy.
    loaded: std::sync::Mutex<HashMap<PageKey, Arc<Vec<finsam_entity::insats::Model>>>>,
}

impl FirstPages {
    pub fn new(db: &DatabaseConnection, principal: &crate::auth::Principal) -> Self {
        FirstPages {
            db: db.clone(),
            principal: principal.clone(),
            specs: std::sync::Mutex::new(HashMap::new()),
            hasher: Default::default(),
            loaded: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Makes `spec` known before its keys are loaded. Two different specs
    /// never share a key: on the rare equal hash the next free one is taken.
    pub fn register(&self, spec: &PageSpec) -> PageKey {
        use std::hash::BuildHasher;
        let mut key = self.hasher.hash_one(spec);
        if let Ok(mut specs) = self.specs.lock() {
            loop {
                match specs.get(&key) {
                    Some(known) if known == spec => break,
                    Some(_) => key = key.wrapping_add(1),
                    None => {
                        specs.insert(key, spec.clone());
                        break;
                    }
                }
            }
        }
        key
    }

    fn spec(&self, key: PageKey) -> Option<PageSpec> {
        self.specs.lock().ok()?.get(&key).cloned()
    }

    /// All rows loaded so far for the spec `key`, every förbund's.
    pub fn loaded(&self, key: PageKey) -> Arc<Vec<finsam_entity::insats::Model>> {
        self.loaded
            .lock()
            .ok()
            .and_then(|l| l.get(&key).cloned())
            .unwrap_or_default()
    }

    fn grouped(&self, keys: &[(i32, PageKey)]) -> HashMap<PageKey, Vec<i32>> {
        let mut by_spec: HashMap<PageKey, Vec<i32>> = HashMap::new();
        for (id, spec) in keys {
            by_spec.entry(*spec).or_default().push(*id);
        }
        by_spec
    }
}

impl Loader<(i32, PageKey)> for FirstPages {
    type Value = Vec<finsam_entity::insats::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i32, PageKey)],
    ) -> Result<HashMap<(i32, PageKey), Self::Value>, Self::Error> {
        let mut out = HashMap::new();
        for (key, ids) in self.grouped(keys) {
            let spec = self
                .spec(key)
                .ok_or_else(|| async_graphql::Error::new("internal error"))?;
            let mut pages = crate::service::insats::first_pages(
                &self.db,
                &self.principal,
                &spec.filter,
                spec.field,
                spec.direction,
                &ids,
                spec.limit,
            )
            .await
            .map_err(|e| e.extend())?;
            if let Ok(mut loaded) = self.loaded.lock() {
                Arc::make_mut(loaded.entry(key).or_default())
                    .extend(pages.values().flatten().cloned());
            }
            for id in ids {
                out.insert((id, key), pages.remove(&id).unwrap_or_default());
            }
        }
        Ok(out)
    }
}

/// The counts behind many förbund's `insatser { totalCount }`, batched the
/// same way: one `GROUP BY` per distinct filter.
pub struct ForbundCounts(pub FirstPages);

impl Loader<(i32, PageKey)> for ForbundCounts {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i32, PageKey)],
    ) -> Result<HashMap<(i32, PageKey), Self::Value>, Self::Error> {
        let mut out = HashMap::new();
        for (key, ids) in self.0.grouped(keys) {
            let spec = self
                .0
                .spec(key)
                .ok_or_else(|| async_graphql::Error::new("internal error"))?;
            let counts =
                crate::service::insats::counts(&self.0.db, &self.0.principal, &spec.filter, &ids)
                    .await
                    .map_err(|e| e.extend())?;
            for id in ids {
                out.insert((id, key), counts.get(&id).copied().unwrap_or(0));
            }
        }
        Ok(out)
    }
}
