//! `Date`: an ISO `YYYY-MM-DD` calendar date between 1900-01-01 and
//! 2199-12-31 (DESIGN.md, "API conventions"). The one parsed date of every
//! input — GraphQL arguments, seed files and CSV imports — so a date outside
//! the range is refused in one place, with the field it came in.

use std::fmt;

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::rule::{Broken, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// Why a text is not a date this service takes: the rule it breaks
/// (DATE_FORMAT, DATE_INVALID or DATE_OUT_OF_RANGE) with the text given.
#[derive(Debug, Clone, PartialEq)]
pub struct DateError(pub Broken);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message())
    }
}

/// Whether `s` is written YYYY-MM-DD, whatever the numbers.
fn written_as_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

impl Date {
    /// The first and last day any record may name: a förbund's history starts
    /// in the 2000s (law 2003:1210), and no plan reaches past 2199. A date
    /// outside them is a typo, and would also reach the calendar feeds as a
    /// year of more than four digits.
    pub const FIRST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(d) => d,
        None => panic!("1900-01-01 is a date"),
    };
    pub const LAST: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
        Some(d) => d,
        None => panic!("2199-12-31 is a date"),
    };

    /// Parses `YYYY-MM-DD` within [`Date::FIRST`, `Date::LAST`].
    pub fn parse(s: &str) -> Result<Date, DateError> {
        if !written_as_date(s) {
            return Err(DateError(Rule::DateFormat.with("value", s)));
        }
        let day = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| DateError(Rule::DateInvalid.with("value", s)))?;
        Date::within_range(day)
    }

    /// `day`, when it lies within the range every input must keep to.
    pub fn within_range(day: NaiveDate) -> Result<Date, DateError> {
        if day < Date::FIRST || day > Date::LAST {
            return Err(DateError(
                Rule::DateOutOfRange
                    .with("value", day)
                    .with("first", Date::FIRST)
                    .with("last", Date::LAST),
            ));
        }
        Ok(Date(day))
    }
}

/// A calendar date, written YYYY-MM-DD, between 1900-01-01 and 2199-12-31.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Date::parse(s).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Checked while the request is validated, so a wrong literal is named
    /// by its argument's path ("input.heldOn") before anything runs.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if Date::parse(s).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

/// A date given for a nullable date column (`record::Onto`).
impl From<Date> for Option<NaiveDate> {
    fn from(d: Date) -> Self {
        Some(d.0)
    }
}

impl From<Date> for NaiveDate {
    fn from(d: Date) -> Self {
        d.0
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }
}

/// Text from CSV and JSON; TOML hands a date over as a one-entry map holding
/// its text (also when a flattened record buffers it).
struct DateVisitor;

impl<'de> serde::de::Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date written YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
        Date::parse(s).map_err(E::custom)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        match map.next_entry::<String, String>()? {
            Some((_, text)) => Date::parse(&text).map_err(serde::de::Error::custom),
            None => Err(serde::de::Error::custom("an empty date")),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_range_is_closed_at_both_ends() {
        assert!(Date::parse("1900-01-01").is_ok());
        assert!(Date::parse("2199-12-31").is_ok());
        assert!(Date::parse("1899-12-31").is_err());
        assert!(Date::parse("2200-01-01").is_err());
        assert!(Date::parse("+262142-01-01").is_err());
        assert!(Date::parse("2020-02-30").is_err());
        assert!(Date::parse("2020-1-1").is_err());
    }

    #[test]
    fn a_day_the_calendar_lacks_has_its_own_rule() {
        let rule = |s: &str| Date::parse(s).unwrap_err().0.rule;
        assert_eq!(rule("2027-02-29"), Rule::DateInvalid);
        assert_eq!(rule("2027-02-31"), Rule::DateInvalid);
        assert_eq!(rule("2027-13-01"), Rule::DateInvalid);
        assert_eq!(rule("2027-2-28"), Rule::DateFormat);
        assert_eq!(rule("28/2/2027"), Rule::DateFormat);
        assert_eq!(rule("1899-12-31"), Rule::DateOutOfRange);
        assert!(Date::parse("2028-02-29").is_ok());
    }

    proptest! {
        #[test]
        fn every_accepted_date_writes_back_as_given(days in 0i64..200_000) {
            let day = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap() + chrono::Duration::days(days);
            let text = day.format("%Y-%m-%d").to_string();
            match Date::parse(&text) {
                Ok(d) => {
                    prop_assert!(d.0 >= Date::FIRST && d.0 <= Date::LAST);
                    prop_assert_eq!(d.0.format("%Y-%m-%d").to_string(), text);
                }
                Err(_) => prop_assert!(day < Date::FIRST || day > Date::LAST),
            }
        }
    }
}
