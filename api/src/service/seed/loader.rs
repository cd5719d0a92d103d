//! The one way the seed writes a table: each row is looked up by its natural
//! key and inserted only when missing, so loading twice changes nothing; new
//! rows are stamped like every new row (`service::stamp_new`), and the rows
//! added are counted per kind.

use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::IntoCondition;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Iterable,
    ModelTrait, PrimaryKeyToColumn, QueryFilter, Value,
};

/// How many rows a load added, per kind.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub added: Vec<(&'static str, usize)>,
}

impl SeedReport {
    fn add(&mut self, kind: &'static str, n: usize) {
        match self.added.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, count)) => *count += n,
            None => self.added.push((kind, n)),
        }
    }

    pub fn total(&self) -> usize {
        self.added.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total() == 0 {
            return write!(f, "demo dataset already loaded: nothing changed");
        }
        write!(f, "demo dataset loaded:")?;
        for (kind, n) in &self.added {
            write!(f, " {kind} {n};")?;
        }
        Ok(())
    }
}

/// Writes seed rows through one connection (the load's transaction).
pub struct Loader<'c, C> {
    conn: &'c C,
    at: DateTime<Utc>,
    pub report: SeedReport,
}

/// A seed row's id, whatever its table (every table has an `i32` id).
fn id_of<E: EntityTrait>(model: &E::Model) -> anyhow::Result<i32>
where
    E::Model: ModelTrait<Entity = E>,
{
    let key = E::PrimaryKey::iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("a seed table without a primary key"))?;
    match model.get(key.into_column()) {
        Value::Int(Some(id)) => Ok(id),
        other => anyhow::bail!("a seed row with a non-integer id {other:?}"),
    }
}

impl<'c, C: ConnectionTrait> Loader<'c, C> {
    pub fn new(conn: &'c C, at: DateTime<Utc>) -> Self {
        Loader {
            conn,
            at,
            report: SeedReport::default(),
        }
    }

    /// When this load happens: the stamp of every row it adds.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    pub fn conn(&self) -> &'c C {
        self.conn
    }

    /// Loads `rows` into `E`'s table: the id of the row with `key` when there
    /// is one, else of the row `make` builds, inserted. Ids come back in the
    /// order of `rows`, with whether each was added now.
    pub async fn rows<E, A, T, K>(
        &mut self,
        kind: &'static str,
        rows: impl IntoIterator<Item = T>,
        key: impl Fn(&T) -> anyhow::Result<K>,
        make: impl Fn(&T) -> anyhow::Result<A>,
    ) -> anyhow::Result<Vec<(i32, bool)>>
    where
        E: EntityTrait,
        E::Model: ModelTrait<Entity = E> + IntoActiveModel<A>,
        A: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
        K: IntoCondition,
    {
        let mut ids = Vec::new();
        let mut added = 0;
        for row in rows {
            let existing = E::find().filter(key(&row)?).one(self.conn).await?;
            let (model, new) = match existing {
                Some(model) => (model, false),
                None => {
                    let mut active = make(&row)?;
                    crate::service::stamp_new(&mut active, self.at);
                    added += 1;
                    (active.insert(self.conn).await?, true)
                }
            };
            ids.push((id_of::<E>(&model)?, new));
        }
        self.report.add(kind, added);
        Ok(ids)
    }

    /// As `rows`, for one row: its id and whether it was added now.
    pub async fn row<E, A, T, K>(
        &mut self,
        kind: &'static str,
        row: T,
        key: impl Fn(&T) -> anyhow::Result<K>,
        make: impl Fn(&T) -> anyhow::Result<A>,
    ) -> anyhow::Result<(i32, bool)>
    where
        E: EntityTrait,
        E::Model: ModelTrait<Entity = E> + IntoActiveModel<A>,
        A: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
        K: IntoCondition,
    {
        let ids = self.rows(kind, [row], key, make).await?;
        ids.into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("a {kind} row did not load"))
    }

    /// Counts rows written outside `rows` (the DSO ring's derived links).
    pub fn count(&mut self, kind: &'static str, n: usize) {
        self.report.add(kind, n);
    }
}
