//! What the GraphQL floor is given, put in the schema's data: the service
//! floor's context and what only the schema uses (the cursor key, the parsed
//! documents and the limits beyond depth and complexity). The endpoint's
//! state holds one and hands it over; nothing here reaches back up to it
//! (DESIGN.md, "Layout").

use std::sync::Arc;

use crate::config::GraphqlSettings;
use crate::service::ServiceContext;

use super::answers::Answers;
use super::documents::Documents;
use super::pagination::CursorKey;

pub struct GraphqlContext {
    /// All a service is given.
    pub service: ServiceContext,
    /// Seals and opens page cursors.
    pub cursors: CursorKey,
    /// Parsed documents by their text.
    pub documents: Arc<Documents>,
    /// Answers kept, from memory and from storage at a version (`answers`).
    pub answers: Answers,
    /// `graphql.*` from the configuration: the limits and whether the
    /// schema is shown (introspection).
    pub settings: GraphqlSettings,
}

impl GraphqlContext {
    pub fn new(
        service: ServiceContext,
        cursor_secret: &secrecy::SecretString,
        settings: GraphqlSettings,
    ) -> Self {
        GraphqlContext {
            service,
            cursors: CursorKey::from_secret(cursor_secret),
            documents: Arc::new(Documents::new(
                settings.parsed_documents,
                settings.max_value_depth,
            )),
            answers: Answers::with_capacity(settings.kept_answers),
            settings,
        }
    }
}
