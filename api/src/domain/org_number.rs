//! Swedish organisation numbers: ten digits written `NNNNNN-NNNN`, the last
//! digit a Luhn check digit over the first nine (Skatteverket SKV 709).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    #[error("organisation number must be written NNNNNN-NNNN")]
    Format,
    #[error("organisation number has a wrong check digit")]
    CheckDigit,
}

impl OrgNumber {
    /// Accepts `NNNNNN-NNNN` or ten digits without the hyphen; stores the
    /// hyphenated form.
    pub fn parse(input: &str) -> Result<Self, OrgNumberError> {
        let input = input.trim();
        let digits: Vec<u32> = match input.len() {
            11 if input.as_bytes()[6] == b'-' => input
                .chars()
                .enumerate()
                .filter(|(i, _)| *i != 6)
                .map(|(_, c)| c.to_digit(10))
                .collect::<Option<_>>()
                .ok_or(OrgNumberError::Format)?,
            10 => input
                .chars()
                .map(|c| c.to_digit(10))
                .collect::<Option<_>>()
                .ok_or(OrgNumberError::Format)?,
            _ => return Err(OrgNumberError::Format),
        };
        if luhn_check_digit(&digits[..9]) != digits[9] {
            return Err(OrgNumberError::CheckDigit);
        }
        let s: String = digits
            .iter()
            .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
            .collect();
        Ok(OrgNumber(format!("{}-{}", &s[..6], &s[6..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Luhn: from the left, double every other digit starting with the first,
/// sum the digits of the products, and take what brings the sum to a ten.
fn luhn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            if v > 9 { v - 9 } else { v }
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_facts_numbers_are_valid() {
        for n in [
            "222000-2824",
            "222000-1727",
            "222000-3038",
            "222000-3251",
            "222000-1925",
            "222000-3236",
            "222000-2568",
        ] {
            assert_eq!(
                OrgNumber::parse(n).map(|o| o.to_string()),
                Ok(n.to_string())
            );
        }
    }

    #[test]
    fn a_wrong_check_digit_or_format_is_refused() {
        assert_eq!(
            OrgNumber::parse("222000-2825"),
            Err(OrgNumberError::CheckDigit)
        );
        assert_eq!(OrgNumber::parse("222000-282"), Err(OrgNumberError::Format));
        assert_eq!(OrgNumber::parse("22200a-2824"), Err(OrgNumberError::Format));
        assert_eq!(
            OrgNumber::parse("2220002824").map(|o| o.to_string()),
            Ok("222000-2824".into())
        );
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_is_valid(first in "[0-9]{6}-[0-9]{3}") {
            let valid = (0..10)
                .filter(|d| OrgNumber::parse(&format!("{first}{d}")).is_ok())
                .count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = OrgNumber::parse(&s);
        }
    }
}
