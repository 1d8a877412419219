//! Tables: columns of plain values, and the one module that speaks to polars
//! (Parquet in and out). Everything else in the project works on [`Table`], so
//! a polars upgrade touches this file only.

use anyhow::Context as _;
use chrono::NaiveDate;
use polars::prelude::{
    Column, DataFrame, DataType, IntoColumn, NewChunkedArray, ParquetCompression, ParquetReader,
    ParquetWriter, PlSmallStr, PolarsResult, SerReader, StringChunked,
};

/// Text values laid end to end in one buffer. A store holds millions of short
/// values (IDs, codes); one allocation per column rather than per value keeps
/// building, concatenating and writing tables fast and memory small.
#[derive(Clone, Default, PartialEq)]
pub struct Texts {
    bytes: String,
    /// Where each value ends in `bytes`.
    ends: Vec<usize>,
    missing: Vec<bool>,
}

impl Texts {
    /// `len` missing values.
    pub fn missing(len: usize) -> Texts {
        Texts {
            bytes: String::new(),
            ends: vec![0; len],
            missing: vec![true; len],
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn push(&mut self, value: Option<&str>) {
        if let Some(v) = value {
            self.bytes.push_str(v);
        }
        self.ends.push(self.bytes.len());
        self.missing.push(value.is_none());
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        if *self.missing.get(row)? {
            return None;
        }
        let start = match row {
            0 => 0,
            _ => self.ends[row - 1],
        };
        self.bytes.get(start..self.ends[row])
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|r| self.get(r))
    }

    /// Appends `other`'s values.
    pub fn extend_from(&mut self, other: &Texts) {
        let offset = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.missing.extend_from_slice(&other.missing);
    }

    /// Pads with missing values up to `len`.
    fn pad(&mut self, len: usize) {
        let end = self.bytes.len();
        if len > self.len() {
            self.ends.resize(len, end);
            self.missing.resize(len, true);
        }
    }
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> FromIterator<Option<S>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<S>>>(iter: I) -> Texts {
        let iter = iter.into_iter();
        let mut t = Texts::default();
        t.ends.reserve(iter.size_hint().0);
        t.missing.reserve(iter.size_hint().0);
        for v in iter {
            t.push(v.as_ref().map(AsRef::as_ref));
        }
        t
    }
}

impl<S: AsRef<str>> From<Vec<Option<S>>> for Texts {
    fn from(values: Vec<Option<S>>) -> Texts {
        values.into_iter().collect()
    }
}

/// A column's values; `None` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Text(Texts),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<NaiveDate>>),
    Bool(Vec<Option<bool>>),
    /// Shares and other figures with decimals (the report's annex).
    Float(Vec<Option<f64>>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Text(v) => v.len(),
            Data::Int(v) => v.len(),
            Data::Date(v) => v.len(),
            Data::Bool(v) => v.len(),
            Data::Float(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes room for `more` values, and for text `bytes` long in all.
    pub fn reserve(&mut self, more: usize, bytes: usize) {
        match self {
            Data::Text(v) => {
                v.ends.reserve(more);
                v.missing.reserve(more);
                v.bytes.reserve(bytes);
            }
            Data::Int(v) => v.reserve(more),
            Data::Date(v) => v.reserve(more),
            Data::Bool(v) => v.reserve(more),
            Data::Float(v) => v.reserve(more),
        }
    }

    fn text_bytes(&self) -> usize {
        match self {
            Data::Text(v) => v.bytes.len(),
            _ => 0,
        }
    }

    /// An empty column of the same kind.
    fn empty_like(&self) -> Data {
        match self {
            Data::Text(_) => Data::Text(Texts::default()),
            Data::Int(_) => Data::Int(Vec::new()),
            Data::Date(_) => Data::Date(Vec::new()),
            Data::Bool(_) => Data::Bool(Vec::new()),
            Data::Float(_) => Data::Float(Vec::new()),
        }
    }

    /// The value at `row` as text, as a spreadsheet would show it.
    pub fn display(&self, row: usize) -> Option<String> {
        match self {
            Data::Text(v) => v.get(row).map(String::from),
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
            Data::Float(v) => v.get(row).copied().flatten().map(|f| f.to_string()),
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

    pub fn text(&self, name: &str) -> Option<&Texts> {
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
                    Data::Text(v) => Data::Text(rows.iter().map(|&r| v.get(r)).collect()),
                    Data::Int(v) => Data::Int(rows.iter().map(|&r| v[r]).collect()),
                    Data::Date(v) => Data::Date(rows.iter().map(|&r| v[r]).collect()),
                    Data::Bool(v) => Data::Bool(rows.iter().map(|&r| v[r]).collect()),
                    Data::Float(v) => Data::Float(rows.iter().map(|&r| v[r]).collect()),
                };
                (n.clone(), picked)
            })
            .collect();
        Table {
            name: self.name.clone(),
            columns,
        }
    }

    /// The rows whose value in the text column `name` passes `keep`.
    pub fn filter_text(&self, name: &str, keep: impl Fn(&str) -> bool) -> Table {
        let missing = Texts::default();
        let values = self.text(name).unwrap_or(&missing);
        self.filter(|r| values.get(r).is_some_and(&keep))
    }

    /// Tables of the same name one after the other, as by [`Table::append_owned`],
    /// with each column's room reserved once.
    pub fn concat(name: &str, parts: Vec<Table>) -> Table {
        let mut out = Table::new(name, Vec::new());
        for (n, d) in columns_of(&parts) {
            let mut empty = d.empty_like();
            let (rows, bytes) = parts
                .iter()
                .filter_map(|p| p.column(n))
                .fold((0, 0), |(r, b), d| (r + d.len(), b + d.text_bytes()));
            empty.reserve(rows, bytes);
            out.columns.push((n.to_string(), empty));
        }
        for part in parts {
            out.append_owned(part);
        }
        out
    }

    /// This table's rows followed by `other`'s, moved; columns matched by
    /// name, a column missing on one side filled with missing values.
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
                (Data::Text(a), Some(Data::Text(b))) => a.extend_from(&b),
                (Data::Int(a), Some(Data::Int(b))) => a.extend(b),
                (Data::Date(a), Some(Data::Date(b))) => a.extend(b),
                (Data::Bool(a), Some(Data::Bool(b))) => a.extend(b),
                (Data::Float(a), Some(Data::Float(b))) => a.extend(b),
                (d, _) => pad(d, h + oh),
            }
        }
    }
}

fn pad(d: &mut Data, len: usize) {
    match d {
        Data::Text(v) => v.pad(len),
        Data::Int(v) => v.resize(len, None),
        Data::Date(v) => v.resize(len, None),
        Data::Bool(v) => v.resize(len, None),
        Data::Float(v) => v.resize(len, None),
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
                Data::Text(v) => StringChunked::from_iter_options(name, v.iter()).into_column(),
                Data::Int(v) => Column::new(name, v),
                Data::Bool(v) => Column::new(name, v),
                Data::Float(v) => Column::new(name, v),
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
            DataType::String => Data::Text(col.str()?.iter().collect()),
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
            DataType::Null => Data::Text(Texts::missing(col.len())),
            DataType::Float64 | DataType::Float32 => {
                Data::Float(col.cast(&DataType::Float64)?.f64()?.iter().collect())
            }
            _ => Data::Int(col.cast(&DataType::Int64)?.i64()?.iter().collect()),
        };
        columns.push((col.name().to_string(), data));
    }
    Ok(Table {
        name: name.to_string(),
        columns,
    })
}

/// The columns of some tables of the same name, each once, in the order they
/// first appear.
fn columns_of(parts: &[Table]) -> Vec<(&str, &Data)> {
    let mut out: Vec<(&str, &Data)> = Vec::new();
    for (n, d) in parts.iter().flat_map(|p| &p.columns) {
        if !out.iter().any(|(m, _)| m == n) {
            out.push((n, d));
        }
    }
    out
}

/// Writes a table as Parquet into `w`.
pub fn write_parquet(table: &Table, w: impl std::io::Write) -> anyhow::Result<()> {
    let mut df =
        to_frame(table).with_context(|| format!("table {} cannot be laid out", table.name))?;
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Snappy)
        .finish(&mut df)
        .with_context(|| format!("table {} cannot be written", table.name))?;
    Ok(())
}

/// Rows written to Parquet at a time: a row group.
const BATCH_ROWS: usize = 256 * 1024;

/// Writes tables of the same name as one Parquet table into `w`, as
/// [`Table::concat`] would make it, a row group at a time: only one row group
/// is ever held twice. With no columns at all, an empty table is written.
pub fn write_parquet_parts(
    name: &str,
    parts: Vec<Table>,
    w: impl std::io::Write,
) -> anyhow::Result<()> {
    write_parts(name, parts, w, BATCH_ROWS)
}

fn write_parts(
    name: &str,
    parts: Vec<Table>,
    w: impl std::io::Write,
    batch_rows: usize,
) -> anyhow::Result<()> {
    let columns: Vec<(String, Data)> = columns_of(&parts)
        .into_iter()
        .map(|(n, d)| (n.to_string(), d.empty_like()))
        .collect();
    let shape = Table::new(name, columns);
    let laid_out = |batch: Vec<Table>| -> PolarsResult<DataFrame> {
        let mut all = vec![shape.clone()];
        all.extend(batch);
        to_frame(&Table::concat(name, all))
    };
    let mut batches: Vec<Vec<Table>> = vec![Vec::new()];
    let mut rows = 0;
    for part in parts {
        if rows >= batch_rows {
            batches.push(Vec::new());
            rows = 0;
        }
        rows += part.height();
        if let Some(b) = batches.last_mut() {
            b.push(part);
        }
    }
    let write = || -> PolarsResult<()> {
        let mut writer = None;
        let mut w = Some(w);
        for batch in batches {
            let df = laid_out(batch)?;
            let bw = match &mut writer {
                Some(bw) => bw,
                // Tables are written side by side on every core already.
                None => writer.insert(
                    ParquetWriter::new(w.take().expect("the sink is taken once"))
                        .with_compression(ParquetCompression::Snappy)
                        .set_parallel(false)
                        .batched(df.schema())?,
                ),
            };
            bw.write_batch(&df)?;
        }
        if let Some(bw) = writer {
            bw.finish()?;
        }
        Ok(())
    };
    write().with_context(|| format!("table {name} cannot be written"))
}

/// Reads a Parquet table written by [`write_parquet`], held in memory.
pub fn read_parquet(name: &str, bytes: Vec<u8>) -> anyhow::Result<Table> {
    let df = ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .context("not a readable Parquet file")?;
    from_frame(name, &df).context("unexpected column types")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_round_trip_keeps_every_kind_and_missing_values() {
        let t = Table::new(
            "t",
            vec![
                (
                    "s".into(),
                    Data::Text(vec![Some("é"), None, Some("")].into()),
                ),
                ("i".into(), Data::Int(vec![Some(-3), None, Some(0)])),
                (
                    "d".into(),
                    Data::Date(vec![NaiveDate::from_ymd_opt(2026, 3, 1), None, None]),
                ),
                ("b".into(), Data::Bool(vec![None, Some(true), Some(false)])),
            ],
        );
        let mut bytes = Vec::new();
        write_parquet(&t, &mut bytes).unwrap();
        assert_eq!(read_parquet("t", bytes).unwrap(), t);
    }

    #[test]
    fn parts_written_a_row_group_at_a_time_read_back_as_their_concatenation() {
        let text = |v: &[Option<&str>]| Data::Text(v.to_vec().into());
        let parts = vec![
            Table::new(
                "t",
                vec![
                    ("x".into(), Data::Int(vec![Some(1), None])),
                    ("y".into(), text(&[Some("a"), None])),
                ],
            ),
            Table::new("t", vec![("y".into(), text(&[Some("b")]))]),
            Table::new(
                "t",
                vec![
                    ("z".into(), Data::Bool(vec![Some(true), None, Some(false)])),
                    ("x".into(), Data::Int(vec![Some(4), Some(5), None])),
                ],
            ),
        ];
        let mut bytes = Vec::new();
        write_parts("t", parts.clone(), &mut bytes, 2).unwrap();
        let back = read_parquet("t", bytes).unwrap();
        assert_eq!(back, Table::concat("t", parts));
        assert_eq!(back.height(), 6);
        let y: Vec<Option<&str>> = back.text("y").unwrap().iter().collect();
        assert_eq!(y, [Some("a"), None, Some("b"), None, None, None]);
    }

    proptest::proptest! {
        #[test]
        fn texts_give_back_what_they_were_given(
            a in proptest::collection::vec(proptest::option::of(".{0,12}"), 0..40),
            b in proptest::collection::vec(proptest::option::of(".{0,12}"), 0..40),
            pad in 0usize..5,
        ) {
            let mut t: Texts = a.iter().map(Option::as_deref).collect();
            t.extend_from(&b.iter().map(Option::as_deref).collect());
            t.pad(t.len() + pad);
            let want: Vec<Option<&str>> = a
                .iter()
                .chain(&b)
                .map(Option::as_deref)
                .chain(std::iter::repeat_n(None, pad))
                .collect();
            let got: Vec<Option<&str>> = t.iter().collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn append_aligns_columns_by_name() {
        let mut a = Table::new("a", vec![("x".into(), Data::Int(vec![Some(1)]))]);
        let b = Table::new("a", vec![("y".into(), Data::Text(vec![Some("z")].into()))]);
        a.append_owned(b.clone());
        a.append_owned(b);
        assert_eq!(a.int("x").unwrap(), &[Some(1), None, None]);
        let y: Vec<Option<&str>> = a.text("y").unwrap().iter().collect();
        assert_eq!(y, [None, Some("z"), Some("z")]);
    }
}
