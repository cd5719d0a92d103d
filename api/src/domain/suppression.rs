//! Small cells (DESIGN.md, "Small cells"): in a breakdown, a count under
//! `privacy.min_cell` is hidden from callers without full access, and a
//! second cell is hidden wherever the first could be recomputed from a total
//! and the rest (secondary suppression).
//!
//! A breakdown is a table: rows (e.g. kommuner) by columns (e.g. total,
//! women, men). Two kinds of sums tie cells together: in each row the first
//! column is the sum of the others, and each column of the rows sums to the
//! column's total, when the total is shown.

/// Which cells to hide. `rows[r][c]` is a count (`None` when not reported);
/// `totals[c]` is the column total shown beside the rows, if any. The result
/// has the shape of `rows`: `true` means hidden.
pub fn suppress(
    rows: &[Vec<Option<i64>>],
    totals: Option<&[Option<i64>]>,
    min_cell: i64,
) -> Vec<Vec<bool>> {
    let small = |v: Option<i64>| v.is_some_and(|v| v > 0 && v < min_cell);
    let mut hidden: Vec<Vec<bool>> = rows
        .iter()
        .map(|r| r.iter().map(|v| small(*v)).collect())
        .collect();
    let width = rows.first().map_or(0, Vec::len);
    loop {
        let mut changed = false;
        // Within a row: first column = sum of the rest.
        for (r, row) in rows.iter().enumerate() {
            if width >= 2 && row.iter().all(Option::is_some) {
                let cells: Vec<usize> = (0..width).collect();
                changed |= protect_group(row, &mut hidden[r], &cells);
            }
        }
        // Down a column: its total = the sum of the rows.
        if let Some(totals) = totals {
            for c in 0..width {
                if totals.get(c).copied().flatten().is_none() || rows.len() < 2 {
                    continue;
                }
                let column: Vec<Option<i64>> = rows.iter().map(|r| r[c]).collect();
                if column.iter().any(Option::is_none) {
                    continue;
                }
                let mut column_hidden: Vec<bool> = hidden.iter().map(|h| h[c]).collect();
                let all: Vec<usize> = (0..rows.len()).collect();
                if protect_group(&column, &mut column_hidden, &all) {
                    for (r, h) in column_hidden.into_iter().enumerate() {
                        hidden[r][c] = h;
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            return hidden;
        }
    }
}

/// In a group of cells tied by one sum, one hidden cell alone can be
/// recomputed: hide the smallest other shown cell too.
fn protect_group(values: &[Option<i64>], hidden: &mut [bool], cells: &[usize]) -> bool {
    let count = cells.iter().filter(|i| hidden[**i]).count();
    if count != 1 {
        return false;
    }
    let partner = cells
        .iter()
        .filter(|i| !hidden[**i])
        .min_by_key(|i| (values[**i].unwrap_or(i64::MAX), **i));
    match partner {
        Some(i) => {
            hidden[*i] = true;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Hälsofrämjande etablering through April 2020: total, women, men per kommun.
    fn varend() -> (Vec<Vec<Option<i64>>>, Vec<Option<i64>>) {
        let rows = [[10, 6, 4], [9, 6, 3], [4, 1, 3], [9, 3, 6], [40, 26, 14]]
            .iter()
            .map(|r| r.iter().map(|v| Some(*v)).collect())
            .collect();
        (rows, vec![Some(72), Some(42), Some(30)])
    }

    #[test]
    fn tingsryd_is_hidden_and_cannot_be_recomputed() {
        let (rows, totals) = varend();
        let hidden = suppress(&rows, Some(&totals), 5);
        assert_eq!(
            hidden[2],
            vec![true, true, true],
            "Tingsryd: 4 participants, 1 woman, 3 men"
        );
        assert!(!hidden[4][0], "Växjö's 40 stays");
        assert_recomputation_is_blocked(&rows, Some(&totals), &hidden);
    }

    /// No sum group may have exactly one hidden cell.
    fn assert_recomputation_is_blocked(
        rows: &[Vec<Option<i64>>],
        totals: Option<&[Option<i64>]>,
        hidden: &[Vec<bool>],
    ) {
        for h in hidden {
            assert_ne!(
                h.iter().filter(|x| **x).count(),
                1,
                "a row with one hidden cell: {hidden:?}"
            );
        }
        if totals.is_some() && rows.len() >= 2 {
            for c in 0..rows[0].len() {
                let n = hidden.iter().filter(|h| h[c]).count();
                assert_ne!(n, 1, "a column with one hidden cell: {hidden:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn small_cells_are_hidden_and_none_can_be_recomputed(
            rows in proptest::collection::vec((0i64..30, 0i64..30), 1..8),
            min_cell in 1i64..8,
        ) {
            let table: Vec<Vec<Option<i64>>> =
                rows.iter().map(|(w, m)| vec![Some(w + m), Some(*w), Some(*m)]).collect();
            let totals: Vec<Option<i64>> = (0..3)
                .map(|c| Some(table.iter().map(|r| r[c].unwrap_or(0)).sum()))
                .collect();
            let hidden = suppress(&table, Some(&totals), min_cell);
            for (r, row) in table.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if let Some(v) = v && *v > 0 && *v < min_cell {
                        prop_assert!(hidden[r][c], "small cell shown");
                    }
                }
            }
            for h in &hidden {
                prop_assert_ne!(h.iter().filter(|x| **x).count(), 1);
            }
            if table.len() >= 2 {
                for c in 0..3 {
                    prop_assert_ne!(hidden.iter().filter(|h| h[c]).count(), 1);
                }
            }
        }
    }
}
