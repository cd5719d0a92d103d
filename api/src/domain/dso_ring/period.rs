//! The agreement's calendar: months added the way the agreement counts them
//! (clamped to month end), the current period's end and the last day notice
//! can be received to leave by then (DESIGN.md, "DSO-ring").

use chrono::{Datelike, Months, NaiveDate};

/// `date` plus `months` calendar months, clamped to the end of a shorter
/// month (2021-10-31 + 4 months = 2022-02-28).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

fn is_month_end(date: NaiveDate) -> bool {
    date.succ_opt()
        .is_none_or(|next| next.month() != date.month())
}

/// As `add_months`, but a month end stays a month end (2022-02-28 + 12
/// months = 2023-02-28; 2021-12-31 + 2 months = 2022-02-28; 2022-02-28 + 2
/// months = 2022-04-30): renewal periods run between month ends.
fn add_months_keeping_end(date: NaiveDate, months: u32) -> NaiveDate {
    let moved = add_months(date, months);
    if !is_month_end(date) {
        return moved;
    }
    let first_of_next = NaiveDate::from_ymd_opt(moved.year(), moved.month(), 1)
        .and_then(|d| d.checked_add_months(Months::new(1)));
    first_of_next.and_then(|d| d.pred_opt()).unwrap_or(moved)
}

/// The end of the agreement period that contains `day`: the initial end, then
/// one renewal period at a time (agreement § renewal: "renewed one year at a
/// time unless a party gives notice").
pub fn period_end(initial_end: NaiveDate, renewal_months: u32, day: NaiveDate) -> NaiveDate {
    if day <= initial_end || renewal_months == 0 {
        return initial_end;
    }
    let months_past =
        (day.year() - initial_end.year()) * 12 + day.month() as i32 - initial_end.month() as i32;
    let mut k = (months_past.max(0) as u32 / renewal_months).max(1);
    loop {
        let end = add_months_keeping_end(initial_end, k * renewal_months);
        if end >= day || end == NaiveDate::MAX {
            return end;
        }
        k += 1;
    }
}

/// The last day notice can be received to leave at `period_end`: the latest
/// day whose notice period ends on or before it.
pub fn notice_deadline(period_end: NaiveDate, notice_months: u32) -> NaiveDate {
    let mut day = period_end
        .checked_sub_months(Months::new(notice_months))
        .unwrap_or(NaiveDate::MIN);
    while let Some(next) = day.succ_opt() {
        if add_months(next, notice_months) <= period_end {
            day = next;
        } else {
            break;
        }
    }
    day
}
