//! Tables: columns of plain values, and the one module that speaks to polars
//! (Parquet in and out). Everything else in the project works on [`Table`], so
//! a polars upgrade touches this file only.

use std::path::Path;

use anyhow::Context as _;
use chrono::NaiveDate;
use polars::prelude::{
    Column, DataFrame, DataType, ParquetCompression, ParquetReader, ParquetWriter, PlSmallStr,
    PolarsResult, SerReader,
};

/// A column's values; `None` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<NaiveDate>>),
    Bool(Vec<Option<bool>>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Text(v) => v.len(),
            Data::Int(v) => v.len(),
            Data::Date(v) => v.len(),
            Data::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An empty column of the same kind.
    fn empty_like(&self) -> Data {
        match self {
            Data::Text(_) => Data::Text(Vec::new()),
            Data::Int(_) => Data::Int(Vec::new()),
            Data::Date(_) => Data::Date(Vec::new()),
            Data::Bool(_) => Data::Bool(Vec::new()),
        }
    }

    /// The value at `row` as text, as a spreadsheet would show it.
    pub fn display(&self, row: usize) -> Option<String> {
        match self {
            Data::Text(v) => v.get(row).cloned().flatten(),
            Data::Int(v) => v.get(row).copied().flatten().map(|n| n.to_string()),
            Data::Date(v) => v
                .get(row)
                .copied()
                .flatten()
                .map(|d| d.format("%Y-%m-%d").to_string()),
            Data::Bool(v) => v
                .get(row)
                .copied()
                .flatten()
                .map(|b| if b { "yes" } else { "no" }.to_string()),
        }
    }
}

/// A named table of equally long columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<(String, Data)>,
}

impl Table {
    pub fn new(name: &str, columns: Vec<(String, Data)>) -> Table {
        Table {
            name: name.to_string(),
            columns,
        }
    }

    pub fn height(&self) -> usize {
        self.columns.first().map(|(_, d)| d.len()).unwrap_or(0)
    }

    pub fn column(&self, name: &str) -> Option<&Data> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }

    pub fn text(&self, name: &str) -> Option<&[Option<String>]> {
        match self.column(name)? {
            Data::Text(v) => Some(v),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<&[Option<i64>]> {
        match self.column(name)? {
            Data::Int(v) => Some(v),
            _ => None,
        }
    }

    pub fn date(&self, name: &str) -> Option<&[Option<NaiveDate>]> {
        match self.column(name)? {
            Data::Date(v) => Some(v),
            _ => None,
        }
    }

    /// The rows for which `keep` is true, in order.
    pub fn filter(&self, keep: impl Fn(usize) -> bool) -> Table {
        let rows: Vec<usize> = (0..self.height()).filter(|&r| keep(r)).collect();
        let columns = self
            .columns
            .iter()
            .map(|(n, d)| {
                let picked = match d {
                    Data::Text(v) => Data::Text(rows.iter().map(|&r| v[r].clone()).collect()),
                    Data::Int(v) => Data::Int(rows.iter().map(|&r| v[r]).collect()),
                    Data::Date(v) => Data::Date(rows.iter().map(|&r| v[r]).collect()),
                    Data::Bool(v) => Data::Bool(rows.iter().map(|&r| v[r]).collect()),
                };
                (n.clone(), picked)
            })
            .collect();
        Table {
            name: self.name.clone(),
            columns,
        }
    }

    /// This table's rows followed by `other`'s; columns matched by name, a
    /// column missing on one side filled with missing values.
    pub fn append(&mut self, other: &Table) {
        self.append_owned(other.clone());
    }

    /// [`Table::append`], moving `other`'s values rather than copying them.
    pub fn append_owned(&mut self, other: Table) {
        let (h, oh) = (self.height(), other.height());
        for (name, data) in &other.columns {
            if self.column(name).is_none() {
                let mut empty = data.empty_like();
                pad(&mut empty, h);
                self.columns.push((name.clone(), empty));
            }
        }
        let mut other = other.columns;
        for (name, data) in &mut self.columns {
            let theirs = other
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| other.swap_remove(i).1);
            match (data, theirs) {
                (Data::Text(a), Some(Data::Text(b))) => a.extend(b),
                (Data::Int(a), Some(Data::Int(b))) => a.extend(b),
                (Data::Date(a), Some(Data::Date(b))) => a.extend(b),
                (Data::Bool(a), Some(Data::Bool(b))) => a.extend(b),
                (d, _) => pad(d, h + oh),
            }
        }
    }
}

fn pad(d: &mut Data, len: usize) {
    match d {
        Data::Text(v) => v.resize(len, None),
        Data::Int(v) => v.resize(len, None),
        Data::Date(v) => v.resize(len, None),
        Data::Bool(v) => v.resize(len, None),
    }
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("the epoch is a date"),
};

fn to_frame(table: &Table) -> PolarsResult<DataFrame> {
    let columns: Vec<Column> = table
        .columns
        .iter()
        .map(|(name, data)| -> PolarsResult<Column> {
            let name: PlSmallStr = name.as_str().into();
            Ok(match data {
                Data::Text(v) => Column::new(name, v),
                Data::Int(v) => Column::new(name, v),
                Data::Bool(v) => Column::new(name, v),
                Data::Date(v) => {
                    let days: Vec<Option<i32>> = v
                        .iter()
                        .map(|d| d.map(|d| (d - EPOCH).num_days() as i32))
                        .collect();
                    Column::new(name, days).cast(&DataType::Date)?
                }
            })
        })
        .collect::<PolarsResult<_>>()?;
    DataFrame::new(table.height(), columns)
}

fn from_frame(name: &str, df: &DataFrame) -> PolarsResult<Table> {
    let mut columns = Vec::new();
    for col in df.columns() {
        let data = match col.dtype() {
            DataType::String => {
                Data::Text(col.str()?.iter().map(|s| s.map(String::from)).collect())
            }
            DataType::Boolean => Data::Bool(col.bool()?.iter().collect()),
            DataType::Date => {
                let days = col.cast(&DataType::Int32)?;
                Data::Date(
                    days.i32()?
                        .iter()
                        .map(|d| {
                            d.and_then(|d| {
                                EPOCH.checked_add_signed(chrono::Duration::days(d as i64))
                            })
                        })
                        .collect(),
                )
            }
            DataType::Null => Data::Text(vec![None; col.len()]),
            _ => Data::Int(col.cast(&DataType::Int64)?.i64()?.iter().collect()),
        };
        columns.push((col.name().to_string(), data));
    }
    Ok(Table {
        name: name.to_string(),
        columns,
    })
}

/// Writes a table as Parquet at `path`, atomically (a temporary file, then a rename).
pub fn write_parquet(table: &Table, path: &Path) -> anyhow::Result<()> {
    let mut df =
        to_frame(table).with_context(|| format!("table {} cannot be laid out", table.name))?;
    let tmp = path.with_extension("parquet.tmp");
    {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Snappy)
            .finish(&mut df)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
    }
    crate::store::sync_file(&tmp)?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}

/// Reads a Parquet file written by [`write_parquet`].
pub fn read_parquet(name: &str, path: &Path) -> anyhow::Result<Table> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let df = ParquetReader::new(file)
        .finish()
        .with_context(|| format!("cannot read {}", path.display()))?;
    from_frame(name, &df).with_context(|| format!("unexpected column types in {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_round_trip_keeps_every_kind_and_missing_values() {
        let t = Table::new(
            "t",
            vec![
                ("s".into(), Data::Text(vec![Some("é".into()), None])),
                ("i".into(), Data::Int(vec![Some(-3), None])),
                (
                    "d".into(),
                    Data::Date(vec![NaiveDate::from_ymd_opt(2026, 3, 1), None]),
                ),
                ("b".into(), Data::Bool(vec![None, Some(true)])),
            ],
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_parquet(&t, &p).unwrap();
        assert_eq!(read_parquet("t", &p).unwrap(), t);
    }

    #[test]
    fn append_aligns_columns_by_name() {
        let mut a = Table::new("a", vec![("x".into(), Data::Int(vec![Some(1)]))]);
        let b = Table::new("a", vec![("y".into(), Data::Text(vec![Some("z".into())]))]);
        a.append(&b);
        assert_eq!(a.int("x").unwrap(), &[Some(1), None]);
        assert_eq!(a.text("y").unwrap(), &[None, Some("z".to_string())]);
    }
}
