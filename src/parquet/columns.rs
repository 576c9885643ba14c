//! The Parquet writer of [`write_to`](super::write_to): row groups cut by the options' row
//! and byte limits, and each row group's column chunks encoded on several threads.
//!
//! The `parquet` crate's `ArrowWriter` encodes the columns of a batch one after another. Here
//! the top-level columns of each batch are shared out between the threads of a pool kept for
//! the whole write (each thread taking another column when done with one),
//! each column feeding its own leaf writers, and the finished chunks are appended to the row
//! group in schema order, so the file is the one `ArrowWriter` would write. The file writer, the leaf writers and the schema metadata
//! (`ARROW:schema`) come from an `ArrowWriter` made with the same properties, taken apart.

use std::io::Write;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A Parquet file being written from record batches.
pub(super) struct ColumnsWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    /// For each top-level field, how many leaf columns (and leaf writers) it has; a field's
    /// leaves follow the previous field's.
    leaves: Vec<usize>,
    /// The leaf writers of the row group being filled, and its rows so far.
    group: Option<(Vec<ArrowColumnWriter>, usize)>,
    row_limit: Option<usize>,
    byte_limit: Option<usize>,
    /// The threads that encode, for the whole write; none to encode on the caller's thread.
    pool: Option<rayon::ThreadPool>,
}

impl<W: Write + Send> ColumnsWriter<W> {
    /// A writer of `schema`'s batches into `sink`, encoding on `threads` threads of its own
    /// (0 or 1: on the caller's thread).
    pub(super) fn try_new(
        sink: W,
        schema: SchemaRef,
        props: WriterProperties,
        threads: usize,
    ) -> Result<Self> {
        let pool = match threads {
            0 | 1 => None,
            n => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("parquet-encode-{i}"))
                    .build()
                    .map_err(|e| {
                        ParquetError::General(format!("cannot start {n} encoding threads: {e}"))
                    })?,
            ),
        };
        let row_limit = props.max_row_group_row_count();
        let byte_limit = props.max_row_group_bytes();
        let (file, factory) =
            ArrowWriter::try_new(sink, schema.clone(), Some(props))?.into_serialized_writer()?;
        let descr = file.schema_descr();
        let mut leaves = vec![0usize; schema.fields().len()];
        for leaf in 0..descr.num_columns() {
            let Some(count) = leaves.get_mut(descr.get_column_root_idx(leaf)) else {
                return Err(ParquetError::General(format!(
                    "the Parquet schema's leaf column {leaf} has no field among the Arrow \
                     schema's {}",
                    schema.fields().len()
                )));
            };
            *count += 1;
        }
        Ok(ColumnsWriter {
            file,
            factory,
            schema,
            leaves,
            group: None,
            row_limit,
            byte_limit,
            pool,
        })
    }

    /// Adds the rows of `batch`, ending row groups at the limits: a row group ends once it
    /// holds `row_limit` rows, or once its estimated encoded size reaches `byte_limit`. The
    /// rows that would pass the byte limit, at the average row size so far, go to the next
    /// row group; the first row of a row group is written alone, to measure a row.
    pub(super) fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let mut rest = batch.clone();
        while rest.num_rows() > 0 {
            if self.group.is_none() {
                let index = self.file.flushed_row_groups().len();
                self.group = Some((self.factory.create_column_writers(index)?, 0));
            }
            let (writers, rows) = self.group.as_ref().expect("created above");
            let rows = *rows;
            let mut take = rest.num_rows();
            if let Some(limit) = self.row_limit {
                take = take.min(limit - rows);
            }
            if let Some(limit) = self.byte_limit {
                let bytes = estimated_bytes(writers);
                match bytes.checked_div(rows) {
                    // An empty row group: one row first, to measure a row.
                    None => take = take.min(1),
                    // The rows that fit below the limit at the average row size so far (no
                    // estimate while rows are estimated at 0 bytes).
                    Some(per_row) => match limit.saturating_sub(bytes).checked_div(per_row) {
                        Some(0) => {
                            self.flush()?;
                            continue;
                        }
                        Some(fit) => take = take.min(fit),
                        None => {}
                    },
                }
            }
            let part = rest.slice(0, take);
            rest = rest.slice(take, rest.num_rows() - take);
            self.encode(&part)?;
            let (writers, rows) = self.group.as_mut().expect("created above");
            *rows += take;
            let full = self.row_limit.is_some_and(|limit| *rows >= limit)
                || self
                    .byte_limit
                    .is_some_and(|limit| estimated_bytes(writers) >= limit);
            if full {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Encodes `part` into the leaf writers of the current row group, the top-level columns
    /// shared out between the threads.
    fn encode(&mut self, part: &RecordBatch) -> Result<()> {
        let schema = &self.schema;
        let (writers, _) = self.group.as_mut().expect("the caller made the row group");
        // Each field with its own leaf writers.
        let mut fields = Vec::with_capacity(self.leaves.len());
        let mut rest: &mut [ArrowColumnWriter] = writers;
        for (field, &count) in self.leaves.iter().enumerate() {
            let (mine, others) = rest.split_at_mut(count);
            rest = others;
            fields.push((field, mine));
        }
        each(self.pool.as_ref(), fields, |(field, mine)| {
            let leaves = compute_leaves(schema.field(field), part.column(field))?;
            for (writer, leaf) in mine.iter_mut().zip(&leaves) {
                writer.write(leaf)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Ends the current row group, if it has rows: closes its leaf writers (on the threads)
    /// and appends their chunks to the file in schema order.
    fn flush(&mut self) -> Result<()> {
        let Some((writers, _)) = self.group.take() else {
            return Ok(());
        };
        let chunks = each(self.pool.as_ref(), writers, ArrowColumnWriter::close)?;
        let mut group = self.file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut group)?;
        }
        group.close()?;
        Ok(())
    }

    /// Ends the last row group and writes the footer.
    pub(super) fn close(mut self) -> Result<ParquetMetaData> {
        self.flush()?;
        self.file.close()
    }
}

/// The encoded size of a row group so far, as its leaf writers estimate it.
fn estimated_bytes(writers: &[ArrowColumnWriter]) -> usize {
    writers.iter().map(|w| w.get_estimated_total_bytes()).sum()
}

/// `f` of every item, in the items' order, computed on `pool` (on this thread without one),
/// each thread taking another item when done with one; or the first error.
fn each<T: Send, R: Send>(
    pool: Option<&rayon::ThreadPool>,
    items: Vec<T>,
    f: impl Fn(T) -> Result<R> + Sync + Send,
) -> Result<Vec<R>> {
    match pool.filter(|_| items.len() > 1) {
        None => items.into_iter().map(f).collect(),
        Some(pool) => pool.install(|| items.into_par_iter().with_max_len(1).map(f).collect()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{Int32Builder, ListBuilder};
    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, StructArray};
    use arrow_schema::{DataType, Field, Fields, Schema};

    use super::super::ParquetOptions;
    use super::*;

    /// Batches of a schema with a nested struct (two leaves), a list, strings that
    /// dictionary-encode and numbers that do not, with nulls.
    fn batches(n: usize, rows: usize) -> Vec<RecordBatch> {
        let point = Fields::from(vec![
            Field::new("x", DataType::Float64, false),
            Field::new("y", DataType::Int64, true),
        ]);
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("p", DataType::Struct(point.clone()), false),
            Field::new(
                "l",
                DataType::List(Arc::new(Field::new("item", DataType::Int32, true))),
                true,
            ),
            Field::new("s", DataType::Utf8, true),
        ]));
        (0..n)
            .map(|b| {
                let at = |i: usize| (b * rows + i) as i64;
                let id: ArrayRef = Arc::new(Int64Array::from_iter_values((0..rows).map(at)));
                let x = Float64Array::from_iter_values((0..rows).map(|i| at(i) as f64 * 0.37));
                let y = Int64Array::from_iter((0..rows).map(|i| (i % 7 != 3).then(|| at(i) * 31)));
                let p: ArrayRef = Arc::new(StructArray::new(
                    point.clone(),
                    vec![Arc::new(x), Arc::new(y)],
                    None,
                ));
                let mut l = ListBuilder::new(Int32Builder::new());
                for i in 0..rows {
                    if i % 5 == 4 {
                        l.append_null();
                    } else {
                        l.values().extend((0..i % 4).map(|k| Some(k as i32 - 1)));
                        l.append(true);
                    }
                }
                let l: ArrayRef = Arc::new(l.finish());
                let s: ArrayRef = Arc::new(StringArray::from_iter((0..rows).map(|i| {
                    (i % 11 != 0).then(|| ["bid", "ask", "trade"][(b + i) % 3].to_string())
                })));
                RecordBatch::try_new(schema.clone(), vec![id, p, l, s]).unwrap()
            })
            .collect()
    }

    /// The file the `parquet` crate's own `ArrowWriter` writes with the same properties.
    fn by_arrow_writer(input: &[RecordBatch], options: &ParquetOptions) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w =
            ArrowWriter::try_new(&mut out, input[0].schema(), Some(options.properties())).unwrap();
        for b in input {
            w.write(b).unwrap();
        }
        w.close().unwrap();
        out
    }

    fn by_columns(input: &[RecordBatch], options: &ParquetOptions, threads: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w =
            ColumnsWriter::try_new(&mut out, input[0].schema(), options.properties(), threads)
                .unwrap();
        for b in input {
            w.write(b).unwrap();
        }
        w.close().unwrap();
        out
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "no pointer code of this crate; parquet's encoders crawl"
    )]
    fn the_file_is_arrow_writers_whatever_the_threads() {
        let input = batches(9, 700);
        // Row limits that cut batches, a byte limit, none, and a codec when built with one.
        #[cfg_attr(not(feature = "parquet-snappy"), allow(unused_mut))]
        let mut cases = vec![
            ParquetOptions {
                row_group_rows: 1000,
                ..Default::default()
            },
            ParquetOptions {
                row_group_rows: 0,
                row_group_bytes: 16 << 10,
                ..Default::default()
            },
            ParquetOptions {
                row_group_rows: 0,
                row_group_bytes: 0,
                ..Default::default()
            },
            ParquetOptions {
                row_group_rows: 2500,
                row_group_bytes: 40 << 10,
                ..Default::default()
            },
        ];
        #[cfg(feature = "parquet-snappy")]
        cases.push(ParquetOptions {
            compression: super::super::Compression::Snappy,
            ..Default::default()
        });
        for options in &cases {
            let want = by_arrow_writer(&input, options);
            for threads in [1, 2, 5] {
                let got = by_columns(&input, options, threads);
                assert!(
                    got == want,
                    "{threads} threads, {options:?}: {} bytes, ArrowWriter {}",
                    got.len(),
                    want.len()
                );
            }
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "no pointer code of this crate; parquet's encoders crawl"
    )]
    fn an_empty_input_is_a_file_of_no_row_group() {
        let input = batches(1, 0);
        let options = ParquetOptions::default();
        assert_eq!(
            by_columns(&input, &options, 2),
            by_arrow_writer(&input, &options)
        );
    }
}
