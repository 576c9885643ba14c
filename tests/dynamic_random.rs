//! Randomised tests of `DynArray::from_npy_bytes` and of everything a tool does with the result
//! (decode every value, project every field, print JSON with `npy2json`'s writer): whole files
//! round-trip their data, and mutated or cut files never panic.

#[path = "../examples/npy2json/json.rs"]
mod json;

use proptest::prelude::*;
use typed_memmap::npy::write_header;
use typed_memmap::{
    ByteOrder, DateUnit, Dtype, DynArray, Field, Kind, Order, RecordDtype, TimeUnit, Value,
};

fn scalar() -> impl Strategy<Value = Dtype> {
    let order = prop_oneof![Just(ByteOrder::Little), Just(ByteOrder::Big)];
    let unit = (0..DateUnit::ALL.len()).prop_map(|u| TimeUnit {
        base: Some(DateUnit::ALL[u]),
        multiplier: 1,
    });
    let kind_size = prop_oneof![
        Just((Kind::Bool, 1)),
        prop::sample::select(vec![1usize, 2, 4, 8]).prop_map(|n| (Kind::Int, n)),
        prop::sample::select(vec![1usize, 2, 4, 8]).prop_map(|n| (Kind::UInt, n)),
        prop::sample::select(vec![2usize, 4, 8, 16]).prop_map(|n| (Kind::Float, n)),
        prop::sample::select(vec![8usize, 16, 32]).prop_map(|n| (Kind::Complex, n)),
        (0usize..6).prop_map(|n| (Kind::Bytes, n)),
        (0usize..3).prop_map(|n| (Kind::Unicode, 4 * n)),
        (0usize..6).prop_map(|n| (Kind::Void, n)),
        unit.clone().prop_map(|u| (Kind::Datetime(u), 8)),
        unit.prop_map(|u| (Kind::Timedelta(u), 8)),
    ];
    (kind_size, order).prop_map(|((k, n), o)| Dtype::scalar(k, o, n))
}

/// Scalars and records with gaps, subarray fields and nesting.
fn dtype() -> impl Strategy<Value = Dtype> {
    scalar().prop_recursive(2, 12, 4, |inner| {
        let field = (
            inner,
            prop::option::of(prop::collection::vec(0usize..3, 1..3)),
            0usize..3,
        );
        (prop::collection::vec(field, 0..4), 0usize..3).prop_map(|(specs, tail)| {
            let mut fields = Vec::new();
            let mut offset = 0;
            for (i, (d, shape, gap)) in specs.into_iter().enumerate() {
                let dtype = match shape {
                    Some(s) => Dtype::subarray(d, &s),
                    None => d,
                };
                offset += gap;
                let size = dtype.itemsize();
                fields.push(Field {
                    name: format!("f{i}"),
                    title: None,
                    offset,
                    dtype,
                });
                offset += size;
            }
            Dtype::Record(RecordDtype {
                fields,
                itemsize: offset + tail,
            })
        })
    })
}

/// A whole `.npy` file: header, then `prod(shape) * itemsize` bytes from `seed`.
fn file() -> impl Strategy<Value = (Dtype, Vec<usize>, bool, Vec<u8>, Vec<u8>)> {
    (
        dtype(),
        prop::collection::vec(0usize..4, 0..4),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(dtype, shape, fortran, seed)| {
            let header = write_header(&dtype, &shape, fortran).unwrap();
            let n = shape.iter().product::<usize>() * dtype.itemsize();
            let data: Vec<u8> = (0..n as u64)
                .map(|i| (seed.wrapping_mul(i + 1) >> 17) as u8)
                .collect();
            let mut bytes = header;
            bytes.extend_from_slice(&data);
            (dtype, shape, fortran, data, bytes)
        })
}

/// Does everything a tool may do with an array; must not panic.
fn exercise(a: &DynArray) -> usize {
    let mut out = Vec::new();
    json::write_array(&mut out, a).unwrap();
    let mut count = 0;
    for v in a.values() {
        count += 1;
        if let Value::Record(fields) = v {
            for (name, _) in fields {
                let f = a.field(&name).unwrap();
                let _ = f.values().count();
            }
        }
    }
    let _ = a.get(&vec![0; a.ndim()]);
    let _ = a.to_string();
    let _ = a.as_typed::<u8>();
    count
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 512 },
        failure_persistence: None,
        ..Default::default()
    })]

    #[test]
    fn whole_files_round_trip((dtype, shape, fortran, data, bytes) in file()) {
        let a = DynArray::from_npy_bytes(&bytes).unwrap();
        prop_assert_eq!(a.dtype(), &dtype);
        prop_assert_eq!(a.shape(), &shape[..]);
        prop_assert_eq!(a.order() == Order::F, fortran);
        prop_assert_eq!(a.as_bytes(), &data[..]);
        prop_assert_eq!(exercise(&a), a.len());
    }

    #[test]
    fn mutated_files_never_panic(
        (_, _, _, _, bytes) in file(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = bytes;
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let end = cut.index(bytes.len() + 1);
        for input in [&bytes[..], &bytes[..end]] {
            if let Ok(a) = DynArray::from_npy_bytes(input) {
                exercise(&a);
            }
        }
    }
}
