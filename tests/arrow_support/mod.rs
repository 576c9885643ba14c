//! Shared helpers of the Arrow tests: reading an Arrow value back as the crate's `Value`,
//! so that each converted value can be compared with `DynArray::get` of the source.
#![allow(dead_code)]

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use typed_memmap::{Dtype, DynArray, Kind, Value};

/// The value at `i` of `array`, read as numpy's `dtype` would hold it, for the dtypes whose
/// Arrow values are the numpy values (every kind but datetimes and timedeltas, which are
/// rescaled and compared with numpy's own rescaling instead).
pub fn arrow_value(array: &ArrayRef, i: usize, dtype: &Dtype) -> Value {
    match dtype {
        Dtype::Scalar(s) => scalar_value(array, i, s.kind(), s.size()),
        Dtype::Subarray(base, shape) => {
            let (values, start) = descend(array, i, shape);
            let n: usize = shape.iter().product();
            let items = (0..n)
                .map(|k| arrow_value(&values, start + k, base))
                .collect();
            Value::Array(shape.clone(), items)
        }
        Dtype::Record(r) => {
            let s = array.as_struct();
            let fields = r
                .fields
                .iter()
                .filter(|f| !f.name.is_empty())
                .map(|f| {
                    let child = s.column_by_name(&f.name).expect("field present");
                    (f.name.clone(), arrow_value(child, i, &f.dtype))
                })
                .collect();
            Value::Record(fields)
        }
        other => panic!("unexpected dtype {other:?}"),
    }
}

/// The innermost values array of nested fixed-size lists and the position of list `i`'s
/// first item in it.
pub fn descend(array: &ArrayRef, i: usize, shape: &[usize]) -> (ArrayRef, usize) {
    let mut current = array.clone();
    let mut pos = i;
    for &n in shape {
        let list = current.as_fixed_size_list();
        assert_eq!(list.value_length() as usize, n);
        current = list.values().clone();
        pos *= n;
    }
    (current, pos)
}

fn scalar_value(array: &ArrayRef, i: usize, kind: Kind, size: usize) -> Value {
    match (kind, array.data_type()) {
        (Kind::Bool, DataType::Boolean) => Value::Bool(array.as_boolean().value(i)),
        (Kind::Int, DataType::Int8) => Value::Int(array.as_primitive::<Int8Type>().value(i).into()),
        (Kind::Int, DataType::Int16) => {
            Value::Int(array.as_primitive::<Int16Type>().value(i).into())
        }
        (Kind::Int, DataType::Int32) => {
            Value::Int(array.as_primitive::<Int32Type>().value(i).into())
        }
        (Kind::Int, DataType::Int64) => Value::Int(array.as_primitive::<Int64Type>().value(i)),
        (Kind::UInt, DataType::UInt8) => {
            Value::UInt(array.as_primitive::<UInt8Type>().value(i).into())
        }
        (Kind::UInt, DataType::UInt16) => {
            Value::UInt(array.as_primitive::<UInt16Type>().value(i).into())
        }
        (Kind::UInt, DataType::UInt32) => {
            Value::UInt(array.as_primitive::<UInt32Type>().value(i).into())
        }
        (Kind::UInt, DataType::UInt64) => Value::UInt(array.as_primitive::<UInt64Type>().value(i)),
        (Kind::Float, DataType::Float16) => Value::Float {
            value: array.as_primitive::<Float16Type>().value(i).to_f64(),
            bits: 16,
        },
        (Kind::Float, DataType::Float32) => Value::Float {
            value: array.as_primitive::<Float32Type>().value(i).into(),
            bits: 32,
        },
        (Kind::Float, DataType::Float64) => Value::Float {
            value: array.as_primitive::<Float64Type>().value(i),
            bits: 64,
        },
        (Kind::Complex, DataType::Struct(_)) => {
            let s = array.as_struct();
            let part = |name: &str| match scalar_value(
                s.column_by_name(name).unwrap(),
                i,
                Kind::Float,
                size / 2,
            ) {
                Value::Float { value, .. } => value,
                v => panic!("complex part {v:?}"),
            };
            Value::Complex {
                re: part("re"),
                im: part("im"),
                bits: (size * 4) as u8,
            }
        }
        (Kind::Bytes, DataType::FixedSizeBinary(n)) => {
            assert_eq!(*n as usize, size);
            Value::Bytes(array.as_fixed_size_binary().value(i).to_vec())
        }
        (Kind::Void, DataType::FixedSizeBinary(n)) => {
            assert_eq!(*n as usize, size);
            Value::Void(array.as_fixed_size_binary().value(i).to_vec())
        }
        (Kind::Unicode, DataType::Utf8) => Value::Str(array.as_string::<i32>().value(i).into()),
        (k, t) => panic!("kind {k:?} became Arrow type {t}"),
    }
}

/// Every element of `array` equals the converted value in `batch`: field by field for
/// records, through the lists of the axes after the first for n-d arrays.
pub fn assert_batch_equals(array: &DynArray, batch: &RecordBatch) {
    let shape = array.shape();
    let rows = shape.first().copied().unwrap_or(1);
    assert_eq!(batch.num_rows(), rows, "rows of {:?}", array.path());
    let row_shape = shape.get(1..).unwrap_or(&[]).to_vec();
    let columns: Vec<(String, Dtype)> = match array.dtype() {
        Dtype::Record(r) => r
            .fields
            .iter()
            .filter(|f| !f.name.is_empty())
            .map(|f| (f.name.clone(), f.dtype.clone()))
            .collect(),
        d => vec![("values".to_string(), d.clone())],
    };
    assert_eq!(batch.num_columns(), columns.len());
    for index in crate::common::c_indices(shape) {
        let want = array.get(&index).expect("in bounds");
        for (name, dtype) in &columns {
            let column = batch.column_by_name(name).expect("column present");
            let (values, first) = descend(column, index.first().copied().unwrap_or(0), &row_shape);
            let inner: usize = index
                .get(1..)
                .unwrap_or(&[])
                .iter()
                .zip(&row_shape)
                .fold(0, |acc, (&i, &n)| acc * n + i);
            let got = arrow_value(&values, first + inner, dtype);
            let want_field = match (&want, array.dtype()) {
                (Value::Record(fields), Dtype::Record(_)) => {
                    fields.iter().find(|(n, _)| n == name).unwrap().1.clone()
                }
                _ => want.clone(),
            };
            assert!(
                same(&got, &want_field),
                "{name} at {index:?}: arrow {got:?}, source {want_field:?}"
            );
        }
    }
}

fn same_float(x: f64, y: f64) -> bool {
    x == y || (x.is_nan() && y.is_nan())
}

/// Equality of values with NaN equal to itself (numpy files hold NaNs).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float { value: x, bits: bx }, Value::Float { value: y, bits: by }) => {
            bx == by && (x == y || (x.is_nan() && y.is_nan()))
        }
        (
            Value::Complex {
                re: a,
                im: b,
                bits: x,
            },
            Value::Complex {
                re: c,
                im: d,
                bits: y,
            },
        ) => x == y && same_float(*a, *c) && same_float(*b, *d),
        (Value::Record(x), Value::Record(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((n, v), (m, w))| n == m && same(v, w))
        }
        (Value::Array(s, x), Value::Array(t, y)) => {
            s == t && x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}
