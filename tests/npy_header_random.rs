//! Randomised tests of the `.npy` header code that run on stable Rust (the `fuzz/` target
//! needs nightly): headers we write read back to the same dtype, shape and order, and
//! mutated headers (flipped, cut, inserted, deleted bytes) never panic and give the same
//! answer through every entry point.

use proptest::prelude::*;
use proptest::sample::Index;
use typed_memmap::npy::{
    parse_descr, parse_header, read_header, rewrite_shape, write_header, Header, PrefixError,
};
use typed_memmap::{ByteOrder, DateUnit, Dtype, Field, Kind, RecordDtype, TimeUnit};

/// Field name stems: plain, latin-1, beyond latin-1 (version 3.0), quotes and escapes.
const STEMS: &[&str] = &[
    "a", "x y", "é", "Δ", "it's", "q\"", "tab\t", "b\\", "名", "\u{7}",
];

fn time_unit() -> impl Strategy<Value = TimeUnit> {
    prop_oneof![
        Just(TimeUnit {
            base: None,
            multiplier: 1
        }),
        (0..DateUnit::ALL.len(), 1u64..1000).prop_map(|(u, m)| TimeUnit {
            base: Some(DateUnit::ALL[u]),
            multiplier: m,
        }),
    ]
}

fn scalar() -> impl Strategy<Value = Dtype> {
    let order = prop_oneof![Just(ByteOrder::Little), Just(ByteOrder::Big)];
    let kind_size = prop_oneof![
        Just((Kind::Bool, 1)),
        prop::sample::select(vec![1usize, 2, 4, 8]).prop_map(|n| (Kind::Int, n)),
        prop::sample::select(vec![1usize, 2, 4, 8]).prop_map(|n| (Kind::UInt, n)),
        prop::sample::select(vec![2usize, 4, 8, 16]).prop_map(|n| (Kind::Float, n)),
        prop::sample::select(vec![8usize, 16, 32]).prop_map(|n| (Kind::Complex, n)),
        (0usize..20).prop_map(|n| (Kind::Bytes, n)),
        (0usize..5).prop_map(|n| (Kind::Unicode, 4 * n)),
        (0usize..20).prop_map(|n| (Kind::Void, n)),
        time_unit().prop_map(|u| (Kind::Datetime(u), 8)),
        time_unit().prop_map(|u| (Kind::Timedelta(u), 8)),
    ];
    (kind_size, order).prop_map(|((k, n), o)| Dtype::scalar(k, o, n))
}

/// Scalars and records (nested, padded, titled, with subarray fields).
fn dtype() -> impl Strategy<Value = Dtype> {
    scalar().prop_recursive(3, 32, 5, |inner| {
        let field = (
            inner,
            prop::option::of(prop::collection::vec(0usize..4, 1..3)),
            0usize..4,
            any::<bool>(),
            0..STEMS.len(),
        );
        (prop::collection::vec(field, 0..5), 0usize..4).prop_map(|(specs, tail)| {
            let mut fields = Vec::new();
            let mut offset = 0;
            for (i, (d, shape, gap, titled, stem)) in specs.into_iter().enumerate() {
                let dtype = match shape {
                    Some(s) => Dtype::subarray(d, &s),
                    None => d,
                };
                offset += gap;
                let size = dtype.itemsize();
                fields.push(Field {
                    name: format!("{}{i}", STEMS[stem]),
                    title: titled.then(|| format!("title {i}")),
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

fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(
        prop_oneof![0usize..5, 0usize..100_000, Just(1usize << 40)],
        0..4,
    )
}

/// A way to damage a header.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Bytes that matter to the grammar, so insertions hit interesting paths.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[](),:'\"\\ \n#-0123456789LTFNxuU\x00\xe9".to_vec()),
    ];
    prop_oneof![
        (any::<Index>(), byte.clone()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), prop::collection::vec(byte, 1..6))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<Index>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match m {
        Mutation::Flip(i, b) => {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
        Mutation::Insert(i, b) => {
            let i = i.index(bytes.len() + 1);
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let i = i.index(bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
    }
}

/// Everything that must hold of a header that parsed.
fn check_parsed(bytes: &[u8], h: &Header) -> Result<(), TestCaseError> {
    let end = usize::try_from(h.data_offset).unwrap();
    prop_assert!(end <= bytes.len());
    prop_assert_eq!(&parse_descr(&h.dtype.descr()).unwrap(), &h.dtype);
    if let Ok(ours) = write_header(&h.dtype, &h.shape, h.fortran_order) {
        let back = parse_header(&ours, usize::MAX).unwrap();
        prop_assert_eq!(
            (&back.dtype, &back.shape, back.fortran_order),
            (&h.dtype, &h.shape, h.fortran_order)
        );
    }
    for cut in [0, end / 2, end - 1] {
        match Header::parse_prefix(&bytes[..cut], usize::MAX) {
            Err(PrefixError::NeedMore(n)) => prop_assert!(n > cut && n <= end),
            other => prop_assert!(false, "prefix of {} bytes gave {:?}", cut, other),
        }
    }
    Ok(())
}

proptest! {
    // No regression files in the source tree: a failure prints its minimal input.
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn written_headers_read_back(d in dtype(), shape in shape(), fortran in any::<bool>()) {
        // Records must fit the byte-size check: keep the total addressable.
        let bytes = write_header(&d, &shape, fortran).unwrap();
        prop_assert_eq!(bytes.len() % 64, 0);
        prop_assert_eq!(*bytes.last().unwrap(), b'\n');
        let fits = shape.iter().filter(|&&n| n != 0)
            .try_fold(d.itemsize().max(1), |a, &n| a.checked_mul(n))
            .is_some_and(|n| n <= isize::MAX as usize);
        match parse_header(&bytes, usize::MAX) {
            Ok(h) => {
                prop_assert!(fits);
                prop_assert_eq!(&h.dtype, &d);
                prop_assert_eq!(&h.shape, &shape);
                prop_assert_eq!(h.fortran_order, fortran);
                prop_assert_eq!(h.data_offset, bytes.len() as u64);
                prop_assert_eq!(&h.descr_text, &d.descr());
                let latin1 = d.descr().chars().all(|c| u32::from(c) < 256);
                prop_assert_eq!(h.version.0 == 3, !latin1);
                check_parsed(&bytes, &h)?;
                // The same shape rewritten in place gives back the same bytes.
                prop_assert_eq!(rewrite_shape(&bytes, &shape), Some(bytes.clone()));
            }
            Err(e) => {
                prop_assert!(!fits, "{}", e);
                prop_assert!(e.message.contains("too big"), "{}", e);
            }
        }
    }

    #[test]
    fn mutated_headers_never_panic(
        d in dtype(),
        shape in shape(),
        fortran in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = write_header(&d, &shape, fortran).unwrap();
        bytes.extend_from_slice(&[0u8; 8]);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let parsed = parse_header(&bytes, 1 << 16);
        let streamed = read_header(&mut &bytes[..], 1 << 16);
        prop_assert_eq!(&parsed, &streamed);
        match &parsed {
            Ok(h) => check_parsed(&bytes, h)?,
            Err(e) => {
                prop_assert!(e.at <= bytes.len() as u64, "{} past {} bytes", e, bytes.len());
                prop_assert!(!e.message.is_empty());
            }
        }
        // The descr grammar alone, on the damaged text.
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(d) = parse_descr(&text) {
            prop_assert_eq!(parse_descr(&d.descr()).unwrap(), d);
        }
    }
}
