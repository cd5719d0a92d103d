//! Indicator maths (DESIGN.md, "Indicators"): comparisons of a förbund with
//! the national average and its previous year, ranks with ties, percentiles
//! and quartiles across förbund. Higher values are better, as in the
//! national indicators ("share who agree").

pub use finsam_entity::value::Gender;

/// The gender a file spells `text` as, in any case and spacing ("women").
pub fn parse_gender(text: &str) -> Option<Gender> {
    Gender::parse(&text.trim().to_ascii_uppercase())
}

/// One indicator's figures for a förbund in a year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Row {
    pub value: f64,
    pub national: Option<f64>,
    pub previous: Option<f64>,
}

impl Row {
    pub fn difference(&self) -> Option<f64> {
        self.national.map(|n| round2(self.value - n))
    }

    pub fn change(&self) -> Option<f64> {
        self.previous.map(|p| round2(self.value - p))
    }

    pub fn at_or_above(&self) -> Option<bool> {
        self.national.map(|n| self.value >= n)
    }
}

/// The summary a board reads: "at or above the national average on 12 of
/// 14; lower than last year on 7". Indicators without an average or a
/// previous year are counted as such, never as zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub measured: usize,
    pub with_national_average: usize,
    pub at_or_above_national: usize,
    pub below_national: usize,
    pub without_national_average: usize,
    pub with_previous_year: usize,
    pub higher_than_previous_year: usize,
    pub lower_than_previous_year: usize,
    pub unchanged_from_previous_year: usize,
    pub without_previous_year: usize,
}

pub fn summarise(rows: &[Row]) -> Summary {
    let mut s = Summary {
        measured: rows.len(),
        ..Default::default()
    };
    for r in rows {
        match r.at_or_above() {
            Some(true) => s.at_or_above_national += 1,
            Some(false) => s.below_national += 1,
            None => s.without_national_average += 1,
        }
        match r.change() {
            Some(c) if c > 0.0 => s.higher_than_previous_year += 1,
            Some(c) if c < 0.0 => s.lower_than_previous_year += 1,
            Some(_) => s.unchanged_from_previous_year += 1,
            None => s.without_previous_year += 1,
        }
    }
    s.with_national_average = s.at_or_above_national + s.below_national;
    s.with_previous_year = s.measured - s.without_previous_year;
    s
}

/// Competition ranks, highest value first; ties share a rank and the next
/// rank skips ("1, 2, 2, 4").
pub fn ranks(values: &[f64]) -> Vec<usize> {
    values
        .iter()
        .map(|v| 1 + values.iter().filter(|o| **o > *v).count())
        .collect()
}

/// The share of values at or below `v`, in percent: the top value is at 100.
pub fn percentile(values: &[f64], v: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let at_or_below = values.iter().filter(|o| **o <= v).count();
    round2(at_or_below as f64 * 100.0 / values.len() as f64)
}

/// Minimum, quartiles and maximum. Quartiles interpolate linearly between
/// the sorted values (the "inclusive" method of spreadsheets' QUARTILE.INC).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distribution {
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub mean: f64,
}

pub fn distribution(values: &[f64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (sorted.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
    };
    Some(Distribution {
        min: sorted[0],
        q1: q(0.25),
        median: q(0.5),
        q3: q(0.75),
        max: sorted[sorted.len() - 1],
        mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
    })
}

/// Rounds to two decimals, so differences print as people expect (0.1 + 0.2).
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ties_share_a_rank() {
        assert_eq!(ranks(&[70.0, 80.0, 80.0, 60.0]), vec![3, 1, 1, 4]);
    }

    #[test]
    fn quartiles_interpolate() {
        let d = distribution(&[60.0, 70.0, 80.0, 80.0, 90.0]).expect("some");
        assert_eq!(
            (d.min, d.q1, d.median, d.q3, d.max),
            (60.0, 70.0, 80.0, 80.0, 90.0)
        );
        let d = distribution(&[1.0, 2.0, 3.0, 4.0]).expect("some");
        assert_eq!((d.q1, d.median, d.q3), (1.75, 2.5, 3.25));
        assert_eq!(d.mean, 2.5);
        assert!(distribution(&[]).is_none());
    }

    #[test]
    fn percentiles_count_those_at_or_below() {
        let v = [60.0, 70.0, 80.0, 80.0];
        assert_eq!(percentile(&v, 80.0), 100.0);
        assert_eq!(percentile(&v, 70.0), 50.0);
        assert_eq!(percentile(&v, 60.0), 25.0);
    }

    #[test]
    fn missing_averages_and_years_are_counted_as_missing() {
        let rows = [
            Row {
                value: 70.0,
                national: Some(65.0),
                previous: Some(72.0),
            },
            Row {
                value: 60.0,
                national: Some(60.0),
                previous: Some(55.0),
            },
            Row {
                value: 50.0,
                national: Some(58.0),
                previous: None,
            },
            Row {
                value: 40.0,
                national: None,
                previous: Some(40.0),
            },
        ];
        let s = summarise(&rows);
        assert_eq!(s.measured, 4);
        assert_eq!(
            (
                s.at_or_above_national,
                s.below_national,
                s.without_national_average
            ),
            (2, 1, 1)
        );
        assert_eq!(
            (
                s.higher_than_previous_year,
                s.lower_than_previous_year,
                s.unchanged_from_previous_year,
                s.without_previous_year
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(rows[0].difference(), Some(5.0));
        assert_eq!(rows[0].change(), Some(-2.0));
    }

    proptest! {
        #[test]
        fn ranks_and_quartiles_are_ordered(values in proptest::collection::vec(0.0f64..100.0, 1..40)) {
            let r = ranks(&values);
            for (i, a) in values.iter().enumerate() {
                for (j, b) in values.iter().enumerate() {
                    if a > b { prop_assert!(r[i] < r[j]); }
                    if a == b { prop_assert_eq!(r[i], r[j]); }
                }
            }
            prop_assert!(r.contains(&1));
            let d = distribution(&values).expect("non-empty");
            prop_assert!(d.min <= d.q1 + 1e-9 && d.q1 <= d.median + 1e-9 && d.median <= d.q3 + 1e-9 && d.q3 <= d.max + 1e-9);
            let s = summarise(&values.iter().map(|v| Row { value: *v, national: Some(50.0), previous: None }).collect::<Vec<_>>());
            prop_assert_eq!(s.at_or_above_national + s.below_national, values.len());
        }
    }
}
