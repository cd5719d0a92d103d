//! A table as the migrations describe it: columns, foreign keys (each with
//! an index), unique keys and indexes, and for a mutable table the `version`
//! and `created_at`/`updated_at` every mutable row carries (DESIGN.md,
//! "Storage").

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// What a table is made of; `build` turns it into statements.
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    columns: Vec<ColumnDef>,
    /// (column, referenced table, delete cascades)
    foreign_keys: Vec<(&'static str, &'static str, bool)>,
    uniques: Vec<&'static [&'static str]>,
    indexes: Vec<&'static [&'static str]>,
    mutable: bool,
}

impl Spec {
    pub(crate) fn new(name: &'static str) -> Self {
        Self {
            name,
            columns: vec![pk_auto("id")],
            foreign_keys: vec![],
            uniques: vec![],
            indexes: vec![],
            mutable: true,
        }
    }
    pub(crate) fn append_only(mut self) -> Self {
        self.mutable = false;
        self
    }
    pub(crate) fn col(mut self, column: ColumnDef) -> Self {
        self.columns.push(column);
        self
    }
    /// A foreign key; its column gets an index unless a unique key starts with it.
    pub(crate) fn fk(mut self, column: &'static str, table: &'static str, cascade: bool) -> Self {
        self.foreign_keys.push((column, table, cascade));
        self
    }
    pub(crate) fn unique(mut self, columns: &'static [&'static str]) -> Self {
        self.uniques.push(columns);
        self
    }
    pub(crate) fn index(mut self, columns: &'static [&'static str]) -> Self {
        self.indexes.push(columns);
        self
    }

    pub(crate) async fn create(self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        let mut table = Table::create();
        table.table(self.name).if_not_exists();
        for column in self.columns {
            table.col(column);
        }
        if self.mutable {
            table.col(integer("version").default(1));
            table.col(timestamp_with_time_zone("created_at"));
            table.col(timestamp_with_time_zone("updated_at"));
        }
        for (column, target, cascade) in &self.foreign_keys {
            let mut fk = ForeignKey::create();
            fk.name(format!("fk_{}_{}", self.name, column))
                .from(self.name, *column)
                .to(*target, "id")
                .on_update(ForeignKeyAction::NoAction)
                .on_delete(if *cascade {
                    ForeignKeyAction::Cascade
                } else {
                    ForeignKeyAction::Restrict
                });
            table.foreign_key(&mut fk);
        }
        manager.create_table(table.take()).await?;

        for columns in &self.uniques {
            let mut index = Index::create();
            index
                .name(format!("ux_{}_{}", self.name, columns.join("_")))
                .table(self.name)
                .unique()
                .if_not_exists();
            for c in columns.iter() {
                index.col(*c);
            }
            manager.create_index(index.take()).await?;
        }
        let covered = |column: &str| {
            self.uniques
                .iter()
                .chain(self.indexes.iter())
                .any(|cols| cols[0] == column)
        };
        let mut indexes: Vec<Vec<&'static str>> =
            self.indexes.iter().map(|cols| cols.to_vec()).collect();
        for (column, _, _) in &self.foreign_keys {
            if !covered(column) {
                indexes.push(vec![*column]);
            }
        }
        for columns in indexes {
            let mut index = Index::create();
            index
                .name(format!("ix_{}_{}", self.name, columns.join("_")))
                .table(self.name)
                .if_not_exists();
            for c in &columns {
                index.col(*c);
            }
            manager.create_index(index.take()).await?;
        }
        Ok(())
    }
}

/// Runs `statements` in order: SQL a schema builder does not speak
/// (expression indexes, a backend's own extensions).
pub(crate) async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}
