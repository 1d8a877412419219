//! The cells around a finding's, for the web page's row view: the sheet's
//! row, a few columns either side, the finding's cell marked.

use serde::{Deserialize, Serialize};

use crate::findings::Finding;
use crate::read::Workbook;

/// Columns shown either side of the finding's.
const AROUND: usize = 2;
/// Characters shown of a long value.
const SHOWN: usize = 60;

/// One finding's row, as the page shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RowView {
    pub sheet: String,
    /// The finding's cell (`E4`): the key the page finds the view by.
    pub cell: String,
    /// The row's number, from 1.
    pub row: usize,
    /// Each column shown: its letter, and the value as read.
    pub cells: Vec<(String, String)>,
    /// Which of `cells` is the finding's.
    pub target: usize,
}

/// The row views of findings placed at a cell of a sheet of `wb`, one per
/// cell.
pub fn views(findings: &[Finding], wb: &Workbook) -> Vec<RowView> {
    let mut out: Vec<RowView> = Vec::new();
    for f in findings {
        let (Some(name), Some(cell), Some((row, col))) =
            (&f.place.sheet, &f.place.cell, f.place.at)
        else {
            continue;
        };
        if out.iter().any(|v| &v.sheet == name && &v.cell == cell) {
            continue;
        }
        let Some(sheet) = wb.sheets.iter().find(|s| &s.name == name) else {
            continue;
        };
        let (row, col) = (row as usize, col as usize);
        let width = sheet.rows.get(row).map_or(0, Vec::len).max(col + 1);
        let first = col.saturating_sub(AROUND);
        let last = (col + AROUND).min(width - 1);
        let cells = (first..=last)
            .map(|c| {
                let mut value = sheet.cell(row, c).display();
                if value.chars().count() > SHOWN {
                    value = value.chars().take(SHOWN).collect::<String>() + "…";
                }
                (crate::text::column_name(c as u32), value)
            })
            .collect();
        out.push(RowView {
            sheet: name.clone(),
            cell: cell.clone(),
            row: row + 1,
            cells,
            target: col - first,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Place;
    use crate::read::{Container, FindingPlace as _, Sheet, Value};

    #[test]
    fn a_row_is_shown_around_its_cell_and_clipped_at_the_edges() {
        let text = |s: &str| Value::Text(s.into());
        let sheet = Sheet {
            name: "Actions".into(),
            rows: vec![
                vec![text("ID"), text("Title"), text("Type")],
                vec![text("A1"), text(&"long ".repeat(20)), text("forum")],
            ],
            ..Sheet::default()
        };
        let wb = Workbook {
            container: Container::Xlsx,
            sheets: vec![sheet],
            skipped: Vec::new(),
        };
        let at = |row, col| Finding::new("required-missing", Place::sheet("Actions")).at(row, col);
        let views = views(&[at(1, 0), at(1, 0), at(1, 4)], &wb);
        assert_eq!(views.len(), 2, "one view per cell");
        assert_eq!(views[0].row, 2);
        assert_eq!(views[0].target, 0);
        let letters: Vec<&str> = views[0].cells.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(letters, ["A", "B", "C"]);
        assert!(
            views[0].cells[1].1.ends_with('…') && views[0].cells[1].1.chars().count() == SHOWN + 1
        );
        // A cell past the row's end: the blank cells up to it.
        let letters: Vec<&str> = views[1].cells.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(letters, ["C", "D", "E"]);
        assert_eq!(views[1].target, 2);
    }
}
