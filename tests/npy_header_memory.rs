//! Parsing a `.npy` header costs memory in proportion to its bytes, not to what its text
//! could expand to: a hostile header just under the 16 MiB default cap must not make a reader
//! allocate hundreds of megabytes. A counting global allocator measures the peak.
//!
//! The hostile cases fill a header under a 2 MiB cap ([`CAP`]), passed as the length limit,
//! rather than the 16 MiB default: the parse is linear in the header's bytes, so the ratio
//! is the same, and a debug build parses 2 MiB eight times faster (the 16 MiB cases took
//! 100-200 s of the suite on 2 cores). Measured once in a release build at the default cap
//! (16.8 MB headers): the unknown key holding a set, the shape of zeros and the repeated keys
//! peaked at 1.0x the header (its own copy), 838k fields at 3.0x (refused at field 262 145);
//! before the fix the same headers peaked at 49x, 29x, 17x and 23x.

mod counting_alloc;

use counting_alloc::{peak_of, serial};
use typed_memmap::npy::{parse_header, read_header, HeaderError, DEFAULT_MAX_HEADER_LEN};

/// The header length limit of the hostile cases (see the module docs).
const CAP: usize = 2 << 20;

/// A version 2.0 file start: magic, version, length, `text` padded with spaces to a multiple
/// of 64, `\n`.
fn npy_v2(text: &str) -> Vec<u8> {
    let mut out = b"\x93NUMPY\x02\x00\0\0\0\0".to_vec();
    out.extend_from_slice(text.as_bytes());
    while !(out.len() + 1).is_multiple_of(64) {
        out.push(b' ');
    }
    out.push(b'\n');
    let len = u32::try_from(out.len() - 12).unwrap();
    out[8..12].copy_from_slice(&len.to_le_bytes());
    out
}

/// The text room of a header just under [`CAP`].
const ROOM: usize = CAP - 256;

/// `n` copies of `item` separated by `,`, as many as fit in `room` bytes.
fn repeated(item: &str, room: usize) -> String {
    let n = room / (item.len() + 1);
    let mut s = String::with_capacity(n * (item.len() + 1));
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(item);
    }
    s
}

/// Parses `bytes` with both entry points and returns the larger peak; asserts it is at most
/// 4 bytes per header byte plus 1 MiB. The caller holds [`serial`].
fn assert_bounded(case: &str, bytes: &[u8]) -> Result<(), HeaderError> {
    let header_len = bytes.len();
    let budget = 4 * header_len + (1 << 20);
    let (parsed, peak_parse) = peak_of(|| parse_header(bytes, CAP).map(drop));
    let (read, peak_read) = peak_of(|| {
        let mut reader = bytes;
        read_header(&mut reader, CAP).map(drop)
    });
    assert_eq!(parsed, read, "{case}: both readers agree");
    let peak = peak_parse.max(peak_read);
    println!(
        "{case}: header {header_len} bytes, peak {peak} bytes ({:.1}x), {:?}",
        peak as f64 / header_len as f64,
        parsed.as_ref().map_err(|e| e.to_string())
    );
    assert!(
        peak <= budget,
        "{case}: parsing a {header_len}-byte header peaked at {peak} bytes, over the budget \
         of {budget} (4 x the header + 1 MiB)"
    );
    parsed
}

const FIXED: &str = "'descr': '<f8', 'fortran_order': False, 'shape': ()";

#[test]
fn an_unknown_key_holding_a_huge_set_is_refused_cheaply() {
    let _serial = serial();
    let text = format!("{{{FIXED}, 'x': {{{}}}}}", repeated("0", ROOM));
    let bytes = npy_v2(&text);
    let e = assert_bounded("unknown key, set of zeros", &bytes).unwrap_err();
    assert!(
        e.message
            .contains("found ['descr', 'fortran_order', 'shape', 'x']"),
        "{e}"
    );
    // At the dict, like every error about its keys.
    assert_eq!(e.at, 12, "{e}");
}

#[test]
fn a_shape_of_a_million_dimensions_is_refused_cheaply() {
    let _serial = serial();
    let text = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}), }}",
        repeated("0", ROOM)
    );
    let bytes = npy_v2(&text);
    let e = assert_bounded("shape of zeros", &bytes).unwrap_err();
    let ndim = ROOM / 2; // `repeated` fits this many `0,`
    assert!(
        e.message.contains(&format!(
            "the array has {ndim} dimensions in its shape alone; numpy allows at most 64"
        )),
        "{e}"
    );
    assert_eq!(e.at, 12 + text.find('(').unwrap() as u64, "{e}");
}

#[test]
fn a_record_of_more_fields_than_the_limit_is_refused_cheaply() {
    let _serial = serial();
    // What `np.save` writes for a record of `<f8` fields: 20 header bytes per field (838k of
    // them under the default cap, 104k under `CAP`).
    let room = ROOM - 64;
    let n = room / 20;
    let mut fields = String::with_capacity(room);
    for i in 0..n {
        if i > 0 {
            fields.push_str(", ");
        }
        fields.push_str(&format!("('f{i:06}', '<f8')"));
    }
    let text = format!("{{'descr': [{fields}], 'fortran_order': False, 'shape': (), }}");
    let bytes = npy_v2(&text);
    let e = assert_bounded("fields over the limit", &bytes).unwrap_err();
    // One field per 64 bytes of the limit: 262 144 at the default cap.
    let limit = CAP / 64;
    assert!(
        e.message
            .contains(&format!("the record has more than {limit} fields")),
        "{e}"
    );
    // At the first field over the limit.
    let at = 12 + text.find(&format!("('f{limit:06}'")).unwrap() as u64;
    assert_eq!(e.at, at, "{e}");
}

#[test]
fn a_big_valid_record_still_parses() {
    let _serial = serial();
    // 50 000 fields: a 1 MB header, far over numpy's default `max_header_size` of 10000,
    // but numpy writes and (with the size raised) reads it.
    let n = 50_000;
    let fields: Vec<String> = (0..n).map(|i| format!("('f{i:06}', '<f8')")).collect();
    let text = format!(
        "{{'descr': [{}], 'fortran_order': False, 'shape': (3,), }}",
        fields.join(", ")
    );
    let bytes = npy_v2(&text);
    let (h, peak) = peak_of(|| parse_header(&bytes, DEFAULT_MAX_HEADER_LEN).unwrap());
    assert_eq!(h.shape, [3]);
    assert_eq!(h.dtype.itemsize(), 8 * n);
    println!(
        "{n} fields: header {} bytes, peak {peak} bytes ({:.1}x)",
        bytes.len(),
        peak as f64 / bytes.len() as f64
    );
    // The parsed dtype itself holds about 100 bytes per field (numpy's holds more); the
    // parse around it adds at most 4 bytes per header byte and 1 MiB.
    let budget = 4 * bytes.len() + 160 * n + (1 << 20);
    assert!(peak <= budget, "peak {peak} over {budget}");
}

#[test]
fn a_dict_of_many_repeated_keys_is_refused_cheaply() {
    let _serial = serial();
    // Python keeps the last of repeated keys, and so do we, up to 64 entries.
    let text = format!("{{{}}}", repeated("'shape': ()", ROOM));
    let bytes = npy_v2(&text);
    let e = assert_bounded("repeated keys", &bytes).unwrap_err();
    assert!(e.message.contains("has more than 64 items"), "{e}");
    // At the 65th key.
    assert_eq!(e.at, 12 + 1 + 64 * "'shape': (),".len() as u64, "{e}");
}
