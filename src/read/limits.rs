//! What the reader accepts at most. A submission is a few hundred rows; these
//! leave ample room for it while keeping a hostile file from taking memory or
//! time. Each limit is named in the finding that reports it.

use crate::findings::{Finding, Place};

#[derive(Debug, Clone)]
pub struct Limits {
    /// Size of the file as received.
    pub max_file_bytes: u64,
    /// Sum of the inflated sizes of an archive's parts.
    pub max_inflated_bytes: u64,
    /// Inflated size over compressed size, for any part larger than 1 MiB.
    pub max_ratio: u64,
    /// Parts in an archive.
    pub max_entries: u64,
    pub max_sheets: u64,
    pub max_rows: u64,
    pub max_columns: u64,
    pub max_cell_chars: u64,
    /// Cells looked at in one sheet, blank ones included.
    pub max_cells_scanned: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 25 * 1024 * 1024,
            max_inflated_bytes: 200 * 1024 * 1024,
            max_ratio: 250,
            max_entries: 5_000,
            max_sheets: 200,
            max_rows: 20_000,
            max_columns: 300,
            max_cell_chars: 32_767,
            max_cells_scanned: 500_000,
        }
    }
}

/// A `limit-exceeded` finding: `limit` is the catalogue's sentence for the
/// limit, with the value found and the maximum as its blanks.
pub fn exceeded(limit: &'static str, found: u64, max: u64) -> Finding {
    Finding::new("limit-exceeded", Place::default()).detail(crate::messages::Message::new(
        limit,
        vec![("found", found.into()), ("max", max.into())],
    ))
}
