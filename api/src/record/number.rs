//! Numbers as every entry point writes them: GraphQL and TOML give numbers,
//! a CSV file from a Swedish spreadsheet gives text with a decimal comma and
//! spaces between thousands ("1 234,5"). Used with `deserialize_with` on the
//! numeric fields of the records the CSV import reads.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};

/// A number in any of the forms above.
pub fn required<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + Number,
{
    deserializer
        .deserialize_any(NumberVisitor(PhantomData))?
        .ok_or_else(|| de::Error::custom("is empty"))
}

/// As `required`, with an empty cell or a missing key as `None`.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + Number,
{
    deserializer.deserialize_any(NumberVisitor(PhantomData))
}

/// The numeric types a record holds, from the numbers a format gives.
pub trait Number: Sized {
    fn from_i64(v: i64) -> Option<Self>;
    /// Whole numbers only, for integer fields.
    fn from_f64(v: f64) -> Option<Self>;
}

impl Number for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }

    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl Number for i64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }

    fn from_f64(v: f64) -> Option<Self> {
        // Whole kronor; beyond ±2^53 a float no longer holds every whole number.
        (v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0).then_some(v as i64)
    }
}

impl Number for i32 {
    fn from_i64(v: i64) -> Option<Self> {
        i32::try_from(v).ok()
    }

    fn from_f64(v: f64) -> Option<Self> {
        (v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX))
            .then_some(v as i32)
    }
}

struct NumberVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for NumberVisitor<T>
where
    T: FromStr + Number,
{
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is out of range")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        let v = i64::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))?;
        self.visit_i64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is not a whole number")))
    }

    fn visit_str<E: de::Error>(self, t: &str) -> Result<Option<T>, E> {
        let t = t.trim();
        if t.is_empty() {
            return Ok(None);
        }
        // Swedish files write decimals with a comma and thousands with spaces.
        let cleaned: String = t.replace([' ', '\u{a0}'], "").replace(',', ".");
        cleaned
            .parse::<T>()
            .map(Some)
            .map_err(|_| E::custom(format!("{t:?} is not a number")))
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Row {
        #[serde(deserialize_with = "super::required")]
        value: f64,
        #[serde(default, deserialize_with = "super::optional")]
        count: Option<i32>,
    }

    fn csv_row(text: &str) -> Result<Row, csv::Error> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        reader.deserialize().next().expect("a row")
    }

    #[test]
    fn swedish_decimals_and_thousands_read_as_numbers() {
        let row = csv_row("value,count\n\"1 234,5\",\"12 000\"\n").unwrap();
        assert_eq!(row.value, 1234.5);
        assert_eq!(row.count, Some(12_000));
        let row = csv_row("value,count\n78.5,\n").unwrap();
        assert_eq!(row.value, 78.5);
        assert_eq!(row.count, None);
        assert!(csv_row("value,count\nmånga,\n").is_err());
        assert!(csv_row("value,count\n1,2.5\n").is_err());
    }

    #[test]
    fn toml_numbers_read_as_numbers() {
        let row: Row = toml::from_str("value = 80\ncount = 3").unwrap();
        assert_eq!((row.value, row.count), (80.0, Some(3)));
        let row: Row = toml::from_str("value = 80.5").unwrap();
        assert_eq!((row.value, row.count), (80.5, None));
    }
}
