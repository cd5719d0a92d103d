//! A board meeting and a decision in it (`createMeeting`, `updateMeeting`,
//! `recordDecision`, the seed's `[[meeting]]`).

use async_graphql::{Enum, ID, InputObject};
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;

use super::Date;
use crate::error::{ApiError, ApiResult, Rule};

/// The body that meets.
#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "finsam_entity::value::Body")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeetingBody {
    /// The board (styrelsen).
    Board,
    /// An interim board, before the first board is elected.
    InterimBoard,
}

fn board() -> MeetingBody {
    MeetingBody::Board
}

#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "CreateMeetingInput")]
pub struct NewMeeting {
    pub forbund: String,
    pub held_on: Date,
    /// HH:MM.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub paragraph_from: Option<i32>,
    pub paragraph_to: Option<i32>,
    #[graphql(default_with = "MeetingBody::Board")]
    #[serde(default = "board")]
    pub body: MeetingBody,
    pub note: Option<String>,
}

/// A meeting's fields as stored: times parsed, texts trimmed, every rule met.
#[derive(Clone, Debug)]
pub struct MeetingFields {
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub ends_at: Option<NaiveTime>,
    pub place: Option<String>,
    pub paragraph_from: Option<i32>,
    pub paragraph_to: Option<i32>,
    pub body: finsam_entity::value::Body,
    pub note: Option<String>,
}

/// A time of day as people write it: "13:00", or "13.00" as Swedish
/// usage has it (Språkrådet), the hour with or without its leading zero.
fn time(field: &'static str, v: &Option<String>) -> ApiResult<Option<NaiveTime>> {
    v.as_deref()
        .map(|t| {
            NaiveTime::parse_from_str(&t.trim().replacen('.', ":", 1), "%H:%M")
                .map_err(|_| ApiError::bad_input(field, Rule::TimeFormat))
        })
        .transpose()
}

impl NewMeeting {
    /// The rules of a meeting: HH:MM times in order, paragraphs numbered from
    /// 1 and in order, texts within bounds.
    pub fn checked(&self) -> ApiResult<MeetingFields> {
        let starts_at = time("startsAt", &self.starts_at)?;
        let ends_at = time("endsAt", &self.ends_at)?;
        if let (Some(s), Some(e)) = (starts_at, ends_at)
            && e < s
        {
            return Err(ApiError::bad_input(
                "endsAt",
                Rule::BeforeStart.with("other", "startsAt"),
            ));
        }
        match (self.paragraph_from, self.paragraph_to) {
            (Some(f), _) if f < 1 => {
                return Err(ApiError::bad_input("paragraphFrom", Rule::NumberedFromOne));
            }
            (Some(f), Some(t)) if t < f => {
                return Err(ApiError::bad_input(
                    "paragraphTo",
                    Rule::BeforeStart.with("other", "paragraphFrom"),
                ));
            }
            _ => {}
        }
        let place = self
            .place
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        if place.as_ref().is_some_and(|p| p.chars().count() > 300) {
            return Err(ApiError::bad_input(
                "place",
                Rule::TextTooLong.with("max", 300),
            ));
        }
        Ok(MeetingFields {
            held_on: self.held_on.0,
            starts_at,
            ends_at,
            place,
            paragraph_from: self.paragraph_from,
            paragraph_to: self.paragraph_to,
            body: self.body.into(),
            note: self.note.clone(),
        })
    }
}

/// A decision of a meeting.
// In the seed files `insats` names an insats of the meeting's förbund;
// through the API it is the insats's id.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "DecisionInput")]
pub struct NewDecision {
    pub paragraph: Option<i32>,
    pub text: String,
    pub amount_sek: Option<i64>,
    /// The insats the decision funds or concerns.
    pub insats: Option<ID>,
}

impl NewDecision {
    /// The decision's text as stored (trimmed, 1 to 5 000 characters) and an
    /// amount that is not negative.
    pub fn checked_text(&self) -> ApiResult<String> {
        let t = super::text("text", &self.text, 5_000)?;
        if self.amount_sek.is_some_and(|a| a < 0) {
            return Err(ApiError::bad_input("amountSek", Rule::Negative));
        }
        Ok(t)
    }
}
