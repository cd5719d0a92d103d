//! Rules about a förbund itself: its life, its parties and their funding
//! shares.

use chrono::NaiveDate;

pub use finsam_entity::value::MemberKind;

/// The funding group the law assigns a party of `kind` to.
pub fn funding_group(kind: MemberKind) -> FundingGroup {
    match kind {
        MemberKind::SocialInsurance | MemberKind::EmploymentService => FundingGroup::State,
        MemberKind::Region => FundingGroup::Region,
        MemberKind::Municipality => FundingGroup::Municipalities,
    }
}

/// The three groups that fund every förbund: the state half, the region a
/// quarter and the kommuner together a quarter (law 2003:1210 § 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FundingGroup {
    State,
    Region,
    Municipalities,
}

impl FundingGroup {
    pub const ALL: [FundingGroup; 3] = [
        FundingGroup::State,
        FundingGroup::Region,
        FundingGroup::Municipalities,
    ];

    /// The share of the whole the law gives the group, in percent.
    pub fn statutory_percent(self) -> f64 {
        match self {
            FundingGroup::State => 50.0,
            FundingGroup::Region | FundingGroup::Municipalities => 25.0,
        }
    }
}

/// Checks the members' funding shares: each 0–100, together at most 100.
/// Returns the index of the first share at fault and why.
/// Whether a förbund founded on `founded` (if known) and dissolved on
/// `dissolved` (its last day, if any) exists on `day`. Every read about a
/// day names only förbund that exist that day.
pub fn alive_on(founded: Option<NaiveDate>, dissolved: Option<NaiveDate>, day: NaiveDate) -> bool {
    founded.is_none_or(|f| f <= day) && dissolved.is_none_or(|d| day <= d)
}

pub fn check_funding_shares(
    shares: &[Option<f64>],
) -> Result<(), (usize, crate::domain::rule::Rule)> {
    use crate::domain::rule::Rule;
    let mut sum = 0.0;
    for (i, share) in shares.iter().enumerate() {
        if let Some(s) = share {
            if !s.is_finite() || !(0.0..=100.0).contains(s) {
                return Err((i, Rule::FundingShareRange));
            }
            sum += s;
            if sum > 100.0 + 1e-9 {
                return Err((i, Rule::FundingShareSum));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sodra_dalarna_2020_shares_add_up() {
        // FK/AF 50, Region Dalarna 25, Avesta 11, Hedemora 8, Säter 6 (facts.md).
        let shares = [Some(50.0), Some(25.0), Some(11.0), Some(8.0), Some(6.0)];
        assert_eq!(check_funding_shares(&shares), Ok(()));
    }

    #[test]
    fn shares_over_the_whole_are_refused_at_the_member_that_tips_it() {
        assert_eq!(
            check_funding_shares(&[Some(60.0), None, Some(41.0)]).map_err(|e| e.0),
            Err(2)
        );
        assert!(check_funding_shares(&[Some(-1.0)]).is_err());
        assert!(check_funding_shares(&[Some(f64::NAN)]).is_err());
    }

    #[test]
    fn the_statutory_groups_make_the_whole() {
        let total: f64 = FundingGroup::ALL
            .iter()
            .map(|g| g.statutory_percent())
            .sum();
        assert_eq!(total, 100.0);
    }
}
