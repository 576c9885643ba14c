//! Fuzzes the `.npy` header reader and the descr grammar: no input may panic, and whatever
//! parses must survive a write/parse round trip.
//!
//! `cargo +nightly fuzz run npy_header -- -runs=1000000`
#![no_main]

use libfuzzer_sys::fuzz_target;
use typed_memmap::npy::PrefixError;
use typed_memmap::npy::{parse_descr, parse_header, rewrite_shape, write_header, Header};

/// Small enough that the fuzzer explores the cap check, large enough for real headers.
const CAP: usize = 1 << 16;

fuzz_target!(|data: &[u8]| {
    match parse_header(data, CAP) {
        Ok(h) => check_header(data, &h),
        Err(e) => {
            // Every error points into the input or just past its end.
            assert!(
                e.at <= data.len() as u64 + 12,
                "{e:?} for {} bytes",
                data.len()
            );
            assert!(!e.message.is_empty());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(d) = parse_descr(text) {
            let again = parse_descr(&d.descr()).expect("our own descr parses");
            assert_eq!(again, d, "descr {}", d.descr());
        }
    }
});

fn check_header(data: &[u8], h: &Header) {
    let end = usize::try_from(h.data_offset).unwrap();
    assert!(end <= data.len());
    // Any shorter prefix asks for more bytes instead of failing or succeeding.
    for cut in [0, 7, 9, 11, end - 1] {
        if cut < end {
            match Header::parse_prefix(&data[..cut], CAP) {
                Err(PrefixError::NeedMore(n)) => assert!(n > cut && n <= end),
                other => panic!("prefix of {cut} bytes: {other:?}"),
            }
        }
    }
    // The descr as written parses to the same dtype (its descr text re-parses too).
    let d = parse_descr(&h.dtype.descr()).expect("descr of a parsed dtype");
    assert_eq!(&d, &h.dtype);
    // What we write for it reads back the same.
    if let Ok(bytes) = write_header(&h.dtype, &h.shape, h.fortran_order) {
        assert_eq!(bytes.len() % 64, 0);
        let back = parse_header(&bytes, usize::MAX).expect("our own header parses");
        assert_eq!(
            (&back.dtype, &back.shape, back.fortran_order),
            (&h.dtype, &h.shape, h.fortran_order)
        );
    }
    // Rewriting the same shape keeps the header valid and the same length.
    if let Some(same) = rewrite_shape(&data[..end], &h.shape) {
        assert_eq!(same.len(), end);
        let back = parse_header(&same, usize::MAX).expect("rewritten header parses");
        assert_eq!(back.shape, h.shape);
        assert_eq!(back.dtype, h.dtype);
    }
}
