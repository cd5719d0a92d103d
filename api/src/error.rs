//! One error type for the service, mapped in one place (`extend`) to the
//! GraphQL `extensions.code` that DESIGN.md lists. Internal failures are logged
//! with their whole chain and shown to the client only as `INTERNAL`.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

pub use crate::domain::rule::{Broken, Param, Rule};

///
/// It has no `Display` on purpose: async-graphql turns anything displayable
/// into an error without a code, so the only way out of this type is
/// `extend`, which sets the code.
#[derive(Debug)]
pub enum ApiError {
    /// Input that fails a rule; `field` names the input field at fault.
    BadUserInput {
        field: String,
        broken: Broken,
    },
    Unauthenticated(String),
    /// Deliberately without detail: a denial reveals nothing about the row.
    Forbidden,
    /// An argument the caller may not use (ordering by a value it may not
    /// see); `field` names it. Says nothing about any row.
    ForbiddenInput {
        field: String,
        broken: Broken,
    },
    NotFound(String),
    Conflict(Broken),
    DsoRingInvalid(Broken),
    QueryTooComplex(String),
    /// A persisted-query hash the server does not know (yet): send the text.
    PersistedQueryNotFound,
    /// Over the caller's rate limit; may ask again after this many seconds.
    RateLimited {
        retry_after_secs: u64,
    },
    /// The database did not answer in time (down, or an SQLite file locked
    /// past its busy timeout): try again later.
    ServiceUnavailable,
    Database(DbErr),
    Internal(anyhow::Error),
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if unavailable(&err) {
            tracing::warn!(error = %err, "the database did not answer");
            ApiError::ServiceUnavailable
        } else {
            ApiError::Database(err)
        }
    }
}

/// Whether a database error means "not answering now" rather than a fault:
/// no connection within the pool's acquire timeout, a connection that broke
/// or was refused, or an SQLite file locked past `busy_timeout`. The driver
/// reports the last ones only in its message, so they are read from there.
pub fn unavailable(err: &DbErr) -> bool {
    if matches!(err, DbErr::ConnectionAcquire(_)) {
        return true;
    }
    let text = err.to_string().to_ascii_lowercase();
    [
        "database is locked",
        "database table is locked",
        "pool timed out",
        "pooltimedout",
        "pool closed",
        "connection refused",
        "connection reset",
        "broken pipe",
        "terminating connection",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is not yet accepting connections",
        // A standby cancelling a read that replay needed to overtake.
        "conflict with recovery",
        "server closed the connection",
        "unexpected eof",
        "error communicating with database",
        "error occurred while attempting to establish a tls connection",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::Internal(err)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// Input at `field` that breaks a rule.
    pub fn bad_input(field: impl Into<String>, broken: impl Into<Broken>) -> Self {
        ApiError::BadUserInput {
            field: field.into(),
            broken: broken.into(),
        }
    }

    /// An HTTP request GraphQL over HTTP does not take (a client's fault,
    /// never a person's): `detail` says what to send instead.
    pub fn request(field: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError::bad_input(field, Rule::RequestInvalid.with("detail", detail.into()))
    }

    /// A change that lost to another (a stale version, a decision taken).
    pub fn conflict(broken: impl Into<Broken>) -> Self {
        ApiError::Conflict(broken.into())
    }

    /// The rule broken, for the errors a rule explains.
    pub fn broken(&self) -> Option<&Broken> {
        match self {
            ApiError::BadUserInput { broken, .. }
            | ApiError::ForbiddenInput { broken, .. }
            | ApiError::Conflict(broken)
            | ApiError::DsoRingInvalid(broken) => Some(broken),
            _ => None,
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::NotFound(what.into())
    }

    /// What the client reads; internal failures say no more than that.
    pub fn message(&self) -> String {
        match self {
            ApiError::BadUserInput { broken, .. }
            | ApiError::ForbiddenInput { broken, .. }
            | ApiError::Conflict(broken)
            | ApiError::DsoRingInvalid(broken) => broken.message(),
            ApiError::Unauthenticated(reason) => format!("not authenticated: {reason}"),
            ApiError::Forbidden => "not allowed".into(),
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::QueryTooComplex(m) => m.clone(),
            ApiError::PersistedQueryNotFound => "PersistedQueryNotFound".into(),
            ApiError::RateLimited { retry_after_secs } => {
                format!("too many requests: try again in {retry_after_secs} s")
            }
            ApiError::ServiceUnavailable => {
                "the database is not answering just now: try again in a few seconds".into()
            }
            ApiError::Database(_) | ApiError::Internal(_) => "internal error".into(),
        }
    }

    /// For the command line, which shows causes to the operator: the whole
    /// chain of an internal failure, the message otherwise.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            ApiError::Database(e) => anyhow::Error::new(e),
            ApiError::Internal(e) => e,
            other => anyhow::anyhow!(other.message()),
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadUserInput { .. } => "BAD_USER_INPUT",
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden | ApiError::ForbiddenInput { .. } => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::DsoRingInvalid(_) => "DSO_RING_INVALID",
            ApiError::QueryTooComplex(_) => "QUERY_TOO_COMPLEX",
            ApiError::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ApiError::Database(_) | ApiError::Internal(_) => "INTERNAL",
        }
    }

    /// Turns a unique-key violation into a CONFLICT the client can act on;
    /// every other database error stays internal.
    pub fn from_db_unique(err: DbErr, broken: impl Into<Broken>) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(broken.into()),
            _ => ApiError::from(err),
        }
    }
}

/// A database error as a GraphQL error where no `ApiError` stands between
/// (a DataLoader's batch load), classified like any other: a connection
/// that broke under it (a replica restarting, say) is SERVICE_UNAVAILABLE,
/// which the endpoint answers by reading from the primary, not INTERNAL.
pub fn database(err: DbErr) -> async_graphql::Error {
    ApiError::from(err).extend()
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        let message = match self {
            ApiError::Database(err) => {
                tracing::error!(error = %err, "database error");
                "internal error".to_string()
            }
            ApiError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "internal error".to_string()
            }
            other => other.message(),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let ApiError::BadUserInput { field, .. } | ApiError::ForbiddenInput { field, .. } =
                self
            {
                ext.set("field", field.as_str());
            }
            if let Some(broken) = self.broken() {
                set_rule(ext, broken);
            }
        })
    }
}

/// `extensions.rule` and `extensions.params`: the code of the rule broken
/// and the values its sentence names (numbers as numbers, days as
/// YYYY-MM-DD), for a client to word in its own language.
pub fn set_rule(ext: &mut async_graphql::ErrorExtensionValues, broken: &Broken) {
    use async_graphql::{Name, Value};
    ext.set("rule", broken.rule.code());
    let params: async_graphql::indexmap::IndexMap<Name, Value> = broken
        .params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Param::Int(n) => Value::from(*n),
                Param::Decimal(n) => Value::from(*n),
                Param::Text(t) => Value::from(t.as_str()),
                Param::Date(_) => Value::from(value.to_string()),
            };
            (Name::new(name), value)
        })
        .collect();
    ext.set("params", Value::Object(params));
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.extend()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = ApiError::Database(DbErr::Custom("secret table xyz exploded".into()));
        let gql = err.extend();
        assert_eq!(gql.message, "internal error");
        let ext = gql.extensions.expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("INTERNAL"))
        );
    }

    #[test]
    fn a_connection_that_broke_is_unavailable_however_it_is_reached() {
        let broke = || {
            DbErr::Custom(
                "error returned from database: terminating connection due to administrator command"
                    .into(),
            )
        };
        let code = |gql: async_graphql::Error| {
            gql.extensions
                .expect("extensions")
                .get("code")
                .cloned()
                .expect("a code")
        };
        let unavailable = async_graphql::Value::from("SERVICE_UNAVAILABLE");
        assert_eq!(code(ApiError::from(broke()).extend()), unavailable);
        assert_eq!(
            code(ApiError::from_db_unique(broke(), Rule::ForbundTaken).extend()),
            unavailable
        );
        assert_eq!(code(database(broke())), unavailable);
    }

    #[test]
    fn bad_input_names_the_field() {
        let gql = ApiError::bad_input("orgNumber", Rule::OrgNumberCheckDigit).extend();
        let ext = gql.extensions.expect("extensions");
        assert_eq!(
            ext.get("field"),
            Some(&async_graphql::Value::from("orgNumber"))
        );
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
        assert_eq!(
            ext.get("rule"),
            Some(&async_graphql::Value::from("ORG_NUMBER_CHECK_DIGIT"))
        );
    }

    #[test]
    fn a_rule_carries_its_values() {
        let gql = ApiError::bad_input("name", Rule::TextTooLong.with("max", 300)).extend();
        assert_eq!(gql.message, "must be at most 300 characters");
        let ext = gql.extensions.expect("extensions");
        assert_eq!(
            ext.get("params"),
            Some(&async_graphql::value!({ "max": 300 }))
        );
    }
}
