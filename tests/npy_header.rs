//! The `.npy` header: table tests of accepted and malformed headers, and numpy as the oracle
//! for the bytes we write and the dtypes we read.

mod common;

use typed_memmap::npy::{
    parse_descr, parse_header, read_header, rewrite_shape, write_header, Header, HeaderError,
    DEFAULT_MAX_HEADER_LEN, MAGIC,
};
use typed_memmap::Dtype;

/// Magic, version, little-endian length of `text`, then `text` (no padding, no newline).
fn raw(major: u8, minor: u8, text: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&[major, minor]);
    if major == 1 {
        out.extend_from_slice(&(text.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(text);
    out
}

fn v1(text: &str) -> Vec<u8> {
    raw(1, 0, text.as_bytes())
}

/// The file position of the first `needle` in the text of a version 1.0 header.
fn at1(text: &str, needle: &str) -> u64 {
    10 + text.find(needle).expect("needle in text") as u64
}

const GOOD: &str = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }";

fn parse(bytes: &[u8]) -> Result<Header, HeaderError> {
    parse_header(bytes, DEFAULT_MAX_HEADER_LEN)
}

#[test]
fn accepts_every_spelling_numpy_accepts() {
    // (header text, descr we read, shape, fortran_order); numpy's reader is run on the same
    // bytes below and must agree.
    // The usual key order and spellings, with a given descr and shape text.
    let h = |descr: &str, shape: &str| {
        format!("{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}}}")
    };
    let t = |s: &str| s.to_string();
    let table: Vec<(String, &str, &[usize], bool)> = vec![
        (t(GOOD), "'<i4'", &[3], false),
        (
            t("{'shape': (3,), 'fortran_order': True, 'descr': '<i4'}"),
            "'<i4'",
            &[3],
            true,
        ),
        (
            t("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": ()}"),
            "'<f8'",
            &[],
            false,
        ),
        (
            t("{'descr':'|u1','fortran_order':False,'shape':(2,3)}"),
            "'|u1'",
            &[2, 3],
            false,
        ),
        (h("'<i4'", "(2, 3,),"), "'<i4'", &[2, 3], false),
        (
            t("{\n 'descr': '<i4',\n 'fortran_order': False,\n 'shape': (\n4,\n)\n}\n"),
            "'<i4'",
            &[4],
            false,
        ),
        (h("'<i4', 'descr': '>f8'", "(1,)"), "'>f8'", &[1], false),
        (
            t("{u'descr': u'<i4', 'fortran_order': False, 'shape': (3,)}"),
            "'<i4'",
            &[3],
            false,
        ),
        (h("'<' 'i4'", "(3,)"), "'<i4'", &[3], false),
        (
            h("'<i4'", "(0x10, 0o7, 0b1, 1_0)"),
            "'<i4'",
            &[16, 7, 1, 10],
            false,
        ),
        (h("'<i4'", "(+3,)"), "'<i4'", &[3], false),
        (h("'<i4' # the type\n", "(3,)"), "'<i4'", &[3], false),
        (
            format!("  {}   \n\n", h("'<i4'", "(3,)")),
            "'<i4'",
            &[3],
            false,
        ),
        (
            h("[('\\x41', '<i4'), ('b\\'c', '>u2')]", "(0,)"),
            "[('A', '<i4'), (\"b'c\", '>u2')]",
            &[0],
            false,
        ),
        (
            h("[(\"a\", \"<i4\", [2, 2])]", "(5,)"),
            "[('a', '<i4', (2, 2))]",
            &[5],
            false,
        ),
        (h("'<i4'", "(3L, 4L)"), "'<i4'", &[3, 4], false),
        (
            h("'<i4'", "(0, 1073741824, 1073741824)"),
            "'<i4'",
            &[0, 1 << 30, 1 << 30],
            false,
        ),
        (h("('<i4', (2,))", "(3,)"), "('<i4', (2,))", &[3], false),
        (h("'<M8[25s]'", "(3,)"), "'<M8[25s]'", &[3], false),
        (h("'float64'", "(3,)"), "'<f8'", &[3], false),
    ];
    // numpy's own header reader on the same bytes: (descr, shape, fortran_order) per file.
    let dir = tempfile::tempdir().unwrap();
    for (i, (text, ..)) in table.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{i}.npy")), v1(text)).unwrap();
    }
    let script = r#"
import os, warnings
from numpy.lib.format import read_magic, read_array_header_1_0, dtype_to_descr
warnings.simplefilter('ignore')
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], '%d.npy' % i), 'rb') as f:
        read_magic(f)
        shape, fortran, dt = read_array_header_1_0(f, max_header_size=10**6)
    if dt.subdtype:
        d = '(%r, %r)' % (dtype_to_descr(dt.base), dt.shape)
    else:
        d = repr(dtype_to_descr(dt))
    print('%s\t%s\t%s' % (d, ','.join(map(str, shape)), fortran))
"#;
    let out = common::numpy(script, &[&dir.path(), &table.len().to_string()]);
    let numpy_lines: Vec<&str> = out.lines().collect();
    assert_eq!(numpy_lines.len(), table.len());
    for ((text, descr, shape, fortran), numpy_line) in table.iter().zip(numpy_lines) {
        let h = parse(&v1(text)).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(h.dtype.descr(), *descr, "{text:?}");
        assert_eq!(h.shape, *shape, "{text:?}");
        assert_eq!(h.fortran_order, *fortran, "{text:?}");
        assert_eq!(h.data_offset, 10 + text.len() as u64, "{text:?}");
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        let fortran_py = if *fortran { "True" } else { "False" };
        let ours = format!("{descr}\t{}\t{fortran_py}", dims.join(","));
        assert_eq!(ours, numpy_line, "numpy reads {text:?} differently");
    }
}

#[test]
fn descr_text_is_kept_as_written() {
    let text = "{'descr': [(\"x\", '<f4'),  ('y', '<f4')], 'fortran_order': False, 'shape': (2,)}";
    let h = parse(&v1(text)).unwrap();
    assert_eq!(h.descr_text, "[(\"x\", '<f4'),  ('y', '<f4')]");
    // Latin-1 text of version 1.0: the byte 0xE9 is 'é'.
    let mut bytes = b"{'descr': [('\xe9', '<i4')], 'fortran_order': False, 'shape': (2,)}".to_vec();
    bytes.extend_from_slice(b"      \n");
    let h = parse(&raw(1, 0, &bytes)).unwrap();
    assert_eq!(h.descr_text, "[('é', '<i4')]");
    assert_eq!(h.dtype.as_record().unwrap().fields[0].name, "é");
}

#[test]
fn versions_2_and_3_use_a_four_byte_length() {
    let h = parse(&raw(2, 0, GOOD.as_bytes())).unwrap();
    assert_eq!((h.version, h.data_offset), ((2, 0), 12 + GOOD.len() as u64));
    let text = "{'descr': [('Δ', '<i4')], 'fortran_order': False, 'shape': (3,)}";
    let h = parse(&raw(3, 0, text.as_bytes())).unwrap();
    assert_eq!(h.version, (3, 0));
    assert_eq!(h.dtype.as_record().unwrap().fields[0].name, "Δ");
    // The same bytes read as latin-1 in a version 1.0 header are two characters.
    let h = parse(&raw(1, 0, text.as_bytes())).unwrap();
    assert_eq!(h.dtype.as_record().unwrap().fields[0].name, "Î\u{94}");
}

/// One line per malformed file: the bytes, a substring of the message, the byte it points at.
#[test]
fn malformed_headers_give_errors_with_positions() {
    let long_len = {
        let mut b = v1(GOOD);
        b[8..10].copy_from_slice(&500u16.to_le_bytes());
        b
    };
    let huge_len = {
        let mut b = raw(2, 0, GOOD.as_bytes());
        b[8..12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        b
    };
    let zero_len = raw(1, 0, b"");
    let mut bad_utf8 =
        b"{'descr': [('\xe9', '<i4')], 'fortran_order': False, 'shape': (3,)}".to_vec();
    bad_utf8.push(b'\n');
    let mut nul_padded = GOOD.as_bytes().to_vec();
    nul_padded.extend_from_slice(b"\0\0\0\n");
    let with = |shape: &str| GOOD.replace("(3,)", shape);
    let descr = |d: &str| GOOD.replace("'<i4'", d);
    let t = |s: &str| s.to_string();
    let past_eof_msg = format!("expected 500 bytes, got {}", GOOD.len());
    let cases: Vec<(String, Vec<u8>, &str, u64)> = vec![
        (t("empty file"), vec![], "expected 8 bytes, got 0", 0),
        (
            t("bad magic"),
            b"\x93NUMPZ\x01\x00\x04\x00{}  ".to_vec(),
            "magic string",
            0,
        ),
        (
            t("zip file"),
            b"PK\x03\x04\x14\x00\x00\x00".to_vec(),
            "not a .npy file",
            0,
        ),
        (
            t("6-byte file"),
            MAGIC.to_vec(),
            "expected 8 bytes, got 6",
            6,
        ),
        (
            t("version 1.1"),
            raw(1, 1, GOOD.as_bytes()),
            "version 1.1",
            6,
        ),
        (
            t("version 4.0"),
            raw(4, 0, GOOD.as_bytes()),
            "version 4.0",
            6,
        ),
        (
            t("version 255.255"),
            raw(255, 255, GOOD.as_bytes()),
            "version 255.255",
            6,
        ),
        (
            t("version 0.0"),
            raw(0, 0, GOOD.as_bytes()),
            "version 0.0",
            6,
        ),
        (
            t("length field cut"),
            [&MAGIC[..], &[1, 0, 5]].concat(),
            "expected 2 bytes, got 1",
            9,
        ),
        (
            t("v2 length field cut"),
            [&MAGIC[..], &[2, 0, 5, 0]].concat(),
            "expected 4 bytes, got 2",
            10,
        ),
        (
            t("HEADER_LEN past EOF"),
            long_len,
            &past_eof_msg,
            10 + GOOD.len() as u64,
        ),
        (
            t("HEADER_LEN 0xFFFFFFF0"),
            huge_len,
            "4294967280 bytes is over the limit of 16777216",
            8,
        ),
        (t("HEADER_LEN 0"), zero_len, "header length is 0", 8),
        (
            t("not a dict: list"),
            v1("['descr', '<i4']"),
            "not a dictionary: ['descr', '<i4']",
            10,
        ),
        (
            t("not a dict: str"),
            v1("'just a string'"),
            "not a dictionary: 'just a string'",
            10,
        ),
        (
            t("not a dict: set"),
            v1("{'descr', '<i4'}"),
            "not a dictionary",
            10,
        ),
        (
            t("missing key"),
            v1("{'descr': '<i4', 'shape': (3,)}"),
            "found ['descr', 'shape']",
            10,
        ),
        (
            t("extra key"),
            v1("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), 'extra': 1}"),
            "found ['descr', 'extra', 'fortran_order', 'shape']",
            10,
        ),
        (
            t("int key"),
            v1("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), 1: 2}"),
            "found ['descr', 'fortran_order', 'shape', 1]",
            10,
        ),
        (t("empty dict"), v1("{}"), "found []", 10),
        (
            t("missing comma"),
            v1("{'descr': '<i4' 'fortran_order': False, 'shape': (3,)}"),
            "unexpected `:`",
            at1("{'descr': '<i4' 'fortran_order': False", ": False"),
        ),
        (
            t("missing colon"),
            v1("{'descr' '<i4', 'fortran_order': False, 'shape': (3,)}"),
            "unexpected `:`",
            at1("{'descr' '<i4', 'fortran_order': False", ": False"),
        ),
        (
            t("double comma"),
            v1("{'descr': '<i4',, 'fortran_order': False, 'shape': (3,)}"),
            "unexpected `,`",
            at1("{'descr': '<i4',, ", ", "),
        ),
        (
            t("unclosed dict"),
            v1(GOOD.trim_end_matches('}')),
            "unexpected end",
            10 + GOOD.len() as u64 - 1,
        ),
        (
            t("unclosed string"),
            v1("{'descr': '<i4}"),
            "unterminated string",
            at1("{'descr': '<i4}", "'<i4"),
        ),
        (
            t("text after }"),
            v1(&format!("{GOOD} x")),
            "unexpected `x` after the end",
            10 + GOOD.len() as u64 + 1,
        ),
        (
            t("second dict"),
            v1(&format!("{GOOD}\n{{}}")),
            "second line",
            10 + GOOD.len() as u64 + 1,
        ),
        (
            t("NUL padding"),
            raw(1, 0, &nul_padded),
            "NUL byte",
            10 + GOOD.len() as u64,
        ),
        (
            t("expression"),
            v1(&with("(2**2,)")),
            "unexpected `*`",
            at1(&with("(2**2,)"), "**"),
        ),
        (
            t("name"),
            v1(&descr("float32")),
            "not a literal",
            at1(&descr("float32"), "float32"),
        ),
        (
            t("shape list"),
            v1(&with("[3]")),
            "shape is not valid: [3] is a list",
            at1(&with("[3]"), "[3]"),
        ),
        (
            t("shape int"),
            v1(&with("(3)")),
            "shape is not valid: 3 is an int",
            at1(&with("(3)"), "(3)"),
        ),
        (
            t("shape bool"),
            v1(&with("(True,)")),
            "item True is a bool",
            at1(&with("(True,)"), "True"),
        ),
        (
            t("shape float"),
            v1(&with("(3.0,)")),
            "item 3.0 is a number that is not an int",
            at1(&with("(3.0,)"), "3.0"),
        ),
        (
            t("shape str"),
            v1(&with("('3',)")),
            "item '3' is a str",
            at1(&with("('3',)"), "'3'"),
        ),
        (
            t("negative shape"),
            v1(&with("(-2, -2)")),
            "negative dimension -2 in shape (-2, -2)",
            at1(&with("(-2, -2)"), "-2"),
        ),
        (
            t("huge dimension"),
            v1(&with("(99999999999999999999,)")),
            "dimension 99999999999999999999 in shape",
            at1(&with("(99999999999999999999,)"), "9999"),
        ),
        (
            t("product overflow"),
            v1(&with("(4294967296, 4294967296)")),
            "of 4-byte items is too big",
            at1(&with("(4294967296, 4294967296)"), "(4294967296"),
        ),
        (
            t("overflow with a zero"),
            v1(&with("(0, 4294967296, 4294967296)")),
            "too big",
            at1(&with("(0, 4294967296, 4294967296)"), "(0,"),
        ),
        (
            t("65 dimensions"),
            v1(&with(&format!("({})", "1, ".repeat(65)))),
            "the array has 65 dimensions",
            at1(GOOD, "(3,)"),
        ),
        (
            t("64 dimensions and a subarray"),
            v1(&GOOD
                .replace("'<i4'", "('<i4', (2,))")
                .replace("(3,)", &format!("({})", "1, ".repeat(64)))),
            "the array has 65 dimensions",
            at1(&GOOD.replace("'<i4'", "('<i4', (2,))"), "(3,)"),
        ),
        (
            t("fortran_order 0"),
            v1(&GOOD.replace("False", "0")),
            "fortran_order is not a valid bool: 0",
            at1(GOOD, "False"),
        ),
        (
            t("fortran_order str"),
            v1(&GOOD.replace("False", "'False'")),
            "not a valid bool: 'False'",
            at1(GOOD, "False"),
        ),
        (
            t("object dtype"),
            v1(&descr("'|O'")),
            "object dtype '|O'",
            at1(GOOD, "'<i4'"),
        ),
        (
            t("nested object dtype"),
            v1(&descr("[('a', '<i4'), ('b', [('c', 'O')])]")),
            "object dtype 'O'",
            at1(&descr("[('a', '<i4'), ('b', [('c', 'O')])]"), "'O'"),
        ),
        (
            t("unknown type"),
            v1(&descr("'x9'")),
            "not a valid dtype descriptor: 'x9'",
            at1(GOOD, "'<i4'"),
        ),
        (
            t("dict-form descr"),
            v1(&descr("{'names': ['a'], 'formats': ['<i4']}")),
            "dict descr",
            at1(GOOD, "'<i4'"),
        ),
        (
            t("field tuple ('a',)"),
            v1(&descr("[('a',)]")),
            "has 1 items",
            at1(GOOD, "'<i4'") + 1,
        ),
        (
            t("field name int"),
            v1(&descr("[(1, '<i4')]")),
            "field name 1",
            at1(GOOD, "'<i4'") + 2,
        ),
        (
            t("descr int"),
            v1(&descr("3")),
            "3 is an int",
            at1(GOOD, "'<i4'"),
        ),
        (
            t("invalid UTF-8 in 3.0"),
            raw(3, 0, &bad_utf8),
            "invalid UTF-8 in a version 3.0 header: byte 0xe9 at position 13",
            12 + 13,
        ),
        (
            t("latin-1 byte outside a string"),
            raw(
                1,
                0,
                b"{'descr': '<i4', 'fortran_order': False, 'shape': (3,)}\xe9",
            ),
            "unexpected byte 0xe9",
            10 + GOOD.replace(", }", "}").len() as u64,
        ),
        (
            t("L suffix in 3.0"),
            raw(3, 0, with("(3L,)").as_bytes()),
            "invalid number literal `3L`",
            12 + with("(3L,)").find("3L").unwrap() as u64,
        ),
        (
            t("leading zeros"),
            v1(&with("(03,)")),
            "leading zeros",
            at1(&with("(03,)"), "03"),
        ),
        (
            t("deep nesting"),
            v1(&descr(&"[".repeat(1000))),
            "nested deeper than 200",
            at1(GOOD, "'<i4'") + 199,
        ),
        (
            t("duplicate field"),
            v1(&descr("[('a', '<i4'), ('a', '<i4')]")),
            "repeats a name",
            at1(&descr("[('a', '<i4'), ('a', '<i4')]"), "('a', '<i4')]") + 1,
        ),
    ];
    assert!(cases.len() >= 30);
    // numpy refuses every one of these too (reading the header, then building the array it
    // describes), if not always with as clear a message.
    let verdicts = numpy_verdicts(cases.iter().map(|c| &c.1[..]));
    for ((name, ..), verdict) in cases.iter().zip(&verdicts) {
        assert!(verdict.starts_with("refused"), "numpy accepts {name}");
    }
    // The check itself accepts a good header.
    assert_eq!(numpy_verdicts([&v1(GOOD)[..]].into_iter()), ["ok"]);
    for (name, bytes, want, at) in cases {
        let e = parse(&bytes).expect_err(&name);
        assert!(
            e.message.contains(want),
            "{name}: {:?} does not contain {want:?}",
            e.message
        );
        assert_eq!(e.at, at, "{name}: {e}");
        // Reading from a stream reports the same error.
        let e2 = read_header(&mut &bytes[..], DEFAULT_MAX_HEADER_LEN).expect_err(&name);
        assert_eq!(e2, e, "{name}");
    }
}

/// For each file, numpy's verdict: `ok` when `open_memmap`'s header reading and the array it
/// describes (`np.empty`; the files hold no huge valid arrays) succeed, else
/// `refused: <exception>: <message>`.
fn numpy_verdicts<'a>(files: impl Iterator<Item = &'a [u8]>) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for (i, bytes) in files.enumerate() {
        std::fs::write(dir.path().join(format!("{i}.npy")), bytes).unwrap();
        n += 1;
    }
    let script = r#"
import os, warnings
from numpy.lib import _format_impl as fmt
warnings.simplefilter('ignore')
for i in range(int(sys.argv[2])):
    try:
        with open(os.path.join(sys.argv[1], '%d.npy' % i), 'rb') as f:
            version = fmt.read_magic(f)
            shape, fortran, dt = fmt._read_array_header(f, version, max_header_size=1 << 24)
        if dt.hasobject:
            raise ValueError('object dtype')
        np.empty(shape, dt)
        print('ok')
    except BaseException as e:
        print('refused: %s: %s' % (type(e).__name__, str(e).splitlines()[0][:80] if str(e) else ''))
"#;
    let out = common::numpy(script, &[&dir.path(), &n.to_string()]);
    let verdicts: Vec<String> = out.lines().map(String::from).collect();
    assert_eq!(verdicts.len(), n);
    verdicts
}

#[test]
fn cap_is_checked_before_reading_the_header() {
    // A reader that fails if asked for more than the preamble: the cap must stop first.
    struct OnlyPreamble(Vec<u8>, usize);
    impl std::io::Read for OnlyPreamble {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            assert!(self.1 < 12, "read past the preamble");
            let n = buf.len().min(12 - self.1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }
    let mut preamble = MAGIC.to_vec();
    preamble.extend_from_slice(&[2, 0]);
    preamble.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    let e = read_header(&mut OnlyPreamble(preamble, 0), DEFAULT_MAX_HEADER_LEN).unwrap_err();
    assert_eq!(e.at, 8);
    assert!(
        e.message.contains("4000000000 bytes is over the limit"),
        "{e}"
    );
    // Under the cap parse_header accepts the same header that a small cap refuses.
    let bytes = write_header(
        &Dtype::scalar(typed_memmap::Kind::Int, typed_memmap::ByteOrder::Little, 4),
        &[3],
        false,
    )
    .unwrap();
    assert!(parse_header(&bytes, 118).is_ok());
    let e = parse_header(&bytes, 117).unwrap_err();
    assert!(
        e.message
            .contains("header length 118 bytes is over the limit of 117"),
        "{e}"
    );
}

#[test]
fn read_header_stops_at_the_data() {
    let mut file = write_header(&parse_descr("'<u2'").unwrap(), &[2], false).unwrap();
    file.extend_from_slice(&[1, 0, 2, 0]);
    let mut reader = &file[..];
    let h = read_header(&mut reader, DEFAULT_MAX_HEADER_LEN).unwrap();
    assert_eq!(h.data_offset, 128);
    assert_eq!(reader, &[1, 0, 2, 0]);
}

#[test]
fn rewrite_shape_uses_the_growth_room() {
    let dtype = parse_descr("'|u1'").unwrap();
    let h = write_header(&dtype, &[3], false).unwrap();
    // 20 growth spaces and 40 padding spaces: a 1-d shape of any size fits.
    let big = isize::MAX as usize;
    let grown = rewrite_shape(&h, &[big]).unwrap();
    assert_eq!(grown.len(), h.len());
    assert_eq!(parse(&grown).unwrap().shape, [big]);
    // The shape must stay addressable: one more does not parse, so it is not written.
    assert!(rewrite_shape(&h, &[big + 1]).is_none());
    assert_eq!(rewrite_shape(&grown, &[3]).unwrap(), h);
    // A header with no spare room cannot take a longer shape.
    let tight = v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n");
    assert!(rewrite_shape(&tight, &[30]).is_none());
    assert_eq!(
        parse(&rewrite_shape(&tight, &[4]).unwrap()).unwrap().shape,
        [4]
    );
    // Not a valid header: nothing to rewrite.
    assert!(rewrite_shape(b"garbage", &[1]).is_none());
}

/// Python expressions for dtypes, with shape and order, covering every family numpy writes.
const ORACLE_CASES: &[(&str, &str, bool)] = &[
    ("'<f8'", "(3,)", false),
    ("'<f4'", "(2, 3)", false),
    ("'<f4'", "(2, 3)", true),
    ("'>f8'", "(4,)", false),
    ("'<f2'", "(5,)", false),
    ("np.longdouble", "(2,)", false),
    ("np.clongdouble", "(2,)", false),
    ("'<c8'", "(3,)", false),
    ("'>c16'", "(3,)", false),
    ("'?'", "(7,)", false),
    ("'i1'", "(2, 2, 2)", true),
    ("'u1'", "()", false),
    ("'<i2'", "(0,)", false),
    ("'>u2'", "(3, 0)", true),
    ("'<i4'", "(1, 1)", false),
    ("'<u4'", "(10, 20, 30)", true),
    ("'>i8'", "(12345678901,)", false),
    ("'<u8'", "(2,)", false),
    ("'S5'", "(3,)", false),
    ("'S0'", "(3,)", false),
    ("'<U3'", "(3,)", false),
    ("'>U7'", "(2, 2)", false),
    ("'V4'", "(3,)", false),
    ("'<M8[ns]'", "(3,)", false),
    ("'>M8[D]'", "(3,)", false),
    ("'<m8[s]'", "(3,)", false),
    ("'<M8[25s]'", "(3,)", false),
    ("'<M8'", "(3,)", false),
    ("'<m8[7ms]'", "(3,)", false),
    ("'<M8[Y]'", "(1,)", false),
    ("'<M8[as]'", "(1,)", false),
    ("[('a','<i4'),('b','>f8')]", "(3,)", false),
    (
        "np.dtype([('a','i1'),('b','<i4'),('c','i1')], align=True)",
        "(4,)",
        false,
    ),
    (
        "{'names':['a','b'],'formats':['<i4','<i4'],'offsets':[1,6],'itemsize':12}",
        "(2,)",
        false,
    ),
    (
        "{'names':['a','b'],'formats':['<i4','<i4'],'offsets':[1,6],'titles':['aa','bb']}",
        "(2,)",
        false,
    ),
    (
        "[('x','<i4',(2,)),('y','<f8',(2,2)),('z','u1')]",
        "(3,)",
        false,
    ),
    (
        "[('a',[('b','<i2'),('c','u1')]),('d','<f4')]",
        "(3,)",
        false,
    ),
    ("[('p',[('x','<f4'),('y','<f4')],(3,))]", "(3,)", false),
    (
        "[('big', '>i4'), ('s', 'S3'), ('u', '>U2'), ('t', '<M8[us]')]",
        "(2, 2)",
        true,
    ),
    ("[('é', '<i4'), ('ñame', '<f8')]", "(3,)", false),
    ("[('Δx', '<i4'), ('b', '<f8')]", "(3,)", false),
    ("[('😀', '<i4')]", "()", false),
    (
        "[(\"it's\", '<i4'), ('tab\\there', '<f4'), ('bell\\x07', 'u1'), ('back\\\\slash', 'u1')]",
        "(2,)",
        false,
    ),
    ("[('', '<i4'), ('b', '<f4')]", "(2,)", false),
    (
        "np.dtype({'names':['a'],'formats':['<i4'],'itemsize':8})",
        "(3,)",
        false,
    ),
    (
        "np.dtype({'names':[],'formats':[],'itemsize':8})",
        "(3,)",
        false,
    ),
    ("[]", "(3,)", false),
    ("[('f%d' % i, '<f8') for i in range(4000)]", "(2,)", false),
    (
        "[('名前%d' % i, '<f8') for i in range(3000)]",
        "(2,)",
        false,
    ),
    (
        "[('a', 'S2', (3,)), ('b', [('c', '<U1', (2,))], (2,))]",
        "(5, 4)",
        true,
    ),
];

/// Runs numpy's `open_memmap(path, 'w+', dtype, shape, fortran_order)` for every case and
/// returns, per case, the file bytes numpy wrote up to the data and `repr` of the descr numpy
/// wrote.
fn numpy_headers() -> Vec<(Vec<u8>, String)> {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::new();
    for (dtype, shape, fortran) in ORACLE_CASES {
        spec.push_str(&format!(
            "{dtype}\t{shape}\t{}\n",
            if *fortran { "True" } else { "False" }
        ));
    }
    let spec_path = dir.path().join("cases.txt");
    std::fs::write(&spec_path, spec).unwrap();
    let script = r#"
import os, warnings
from numpy.lib.format import open_memmap, dtype_to_descr
warnings.simplefilter('ignore')
out = []
for i, line in enumerate(open(sys.argv[1], encoding='utf-8').read().splitlines()):
    d, s, f = line.split('\t')
    dt = np.dtype(eval(d))
    path = os.path.join(sys.argv[2], '%d.npy' % i)
    m = open_memmap(path, mode='w+', dtype=dt, shape=eval(s), fortran_order=eval(f))
    off = m.offset
    del m
    with open(path, 'rb') as fh:
        head = fh.read(off)
    print(head.hex(), repr(dtype_to_descr(dt)).encode('utf-8').hex())
"#;
    let out = common::numpy(script, &[&spec_path, &dir.path()]);
    let lines: Vec<(Vec<u8>, String)> = out
        .lines()
        .map(|l| {
            let (h, d) = l.split_once(' ').unwrap();
            (hex(h), String::from_utf8(hex(d)).unwrap())
        })
        .collect();
    assert_eq!(lines.len(), ORACLE_CASES.len());
    lines
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn parse_shape(s: &str) -> Vec<usize> {
    s.trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| x.parse().unwrap())
        .collect()
}

#[test]
fn numpy_headers_are_read_and_written_byte_exact() {
    let mut versions = std::collections::BTreeSet::new();
    for ((dtype_expr, shape, fortran), (numpy_bytes, numpy_descr)) in
        ORACLE_CASES.iter().zip(numpy_headers())
    {
        let case = format!("dtype {dtype_expr}, shape {shape}, fortran_order {fortran}");
        // numpy's header read by us.
        let h = parse(&numpy_bytes).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(h.shape, parse_shape(shape), "{case}");
        assert_eq!(h.fortran_order, *fortran, "{case}");
        assert_eq!(h.data_offset, numpy_bytes.len() as u64, "{case}");
        assert_eq!(h.data_offset % 64, 0, "{case}");
        // The dtype formats as numpy's descr, and the descr parses to the same dtype.
        assert_eq!(h.dtype.descr(), numpy_descr, "{case}");
        assert_eq!(h.descr_text, numpy_descr, "{case}");
        assert_eq!(parse_descr(&numpy_descr).unwrap(), h.dtype, "{case}");
        // Our header for the same dtype, shape and order is numpy's, byte for byte.
        let ours = write_header(&h.dtype, &h.shape, h.fortran_order).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&numpy_bytes),
            "{case}"
        );
        assert_eq!(ours, numpy_bytes, "{case}");
        versions.insert(h.version);
    }
    assert_eq!(
        versions.into_iter().collect::<Vec<_>>(),
        [(1, 0), (2, 0), (3, 0)],
        "the table covers every version"
    );
}

/// Descr texts numpy reads but does not write, and the descr numpy writes after reading them.
#[test]
fn parse_descr_normalises_like_numpy() {
    let inputs = [
        "'?'",
        "'bool'",
        "'b1'",
        "'<b1'",
        "'b'",
        "'B'",
        "'h'",
        "'H'",
        "'i'",
        "'I'",
        "'l'",
        "'q'",
        "'Q'",
        "'e'",
        "'f'",
        "'d'",
        "'g'",
        "'F'",
        "'D'",
        "'G'",
        "'S'",
        "'U'",
        "'V'",
        "'M'",
        "'m'",
        "'c'",
        "'|i4'",
        "'=i4'",
        "'i4'",
        "'<u1'",
        "'>S5'",
        "'|U3'",
        "'>V4'",
        "'M8[25s]'",
        "'M8[1s]'",
        "'float64'",
        "'int'",
        "'complex'",
        "'half'",
        "'uint16'",
        "'datetime64[ns]'",
        "'timedelta64'",
        "'i04'",
        "[('a', '=i4'), ('', '|V3'), ('b', 'u1')]",
        "[('a', '<i4', ())]",
        "[('a', '<i4', 1)]",
        "[('a', '<i4', [2, 3])]",
        "[('', '|V8')]",
        "[('', '<i4', (2,))]",
        "[('a', ('|V4', (2,)))]",
        "[['a', 'f8']]",
        "[('', [])]",
        "[(('t', 'n'), 'u2', 2)]",
    ];
    let mut script =
        String::from("from numpy.lib.format import descr_to_dtype, dtype_to_descr\nimport ast\n");
    script.push_str(
        "for line in sys.stdin.read().splitlines():\n    \
         print(repr(dtype_to_descr(descr_to_dtype(ast.literal_eval(line)))))\n",
    );
    let expected = numpy_with_stdin(&script, &inputs.join("\n"));
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(expected.len(), inputs.len());
    for (input, want) in inputs.iter().zip(expected) {
        let d = parse_descr(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(d.descr(), want, "input {input}");
        assert_eq!(parse_descr(&d.descr()).unwrap(), d, "input {input}");
    }
}

/// `common::numpy` with the input passed through a file named on the command line (the
/// helper has no stdin): reads it as stdin.
fn numpy_with_stdin(script: &str, input: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stdin.txt");
    std::fs::write(&path, input).unwrap();
    let script = format!("sys.stdin = open(sys.argv[1], encoding='utf-8')\n{script}");
    common::numpy(&script, &[&path])
}

/// numpy reads the `L` suffix of Python 2 headers in versions 1.0 and 2.0, and so do we.
#[test]
fn python2_long_suffix_matches_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{'descr': '<i2', 'fortran_order': False, 'shape': (2L, 3L), }";
    let mut bytes = v1(text);
    bytes.extend_from_slice(&[0u8; 12]);
    let path = dir.path().join("py2.npy");
    std::fs::write(&path, &bytes).unwrap();
    let out = common::numpy_on(
        "import warnings\nwarnings.simplefilter('ignore')\nprint(np.load(sys.argv[1]).shape)",
        &path,
    );
    assert_eq!(out.trim(), "(2, 3)");
    assert_eq!(parse(&bytes).unwrap().shape, [2, 3]);
}

/// Field names are written with Python's `repr`: quotes, escapes and which characters are
/// printable, for a range of code points (ASCII, latin-1, separators, format characters,
/// private use, astral).
#[test]
fn field_names_are_quoted_like_python_repr() {
    let mut cps: Vec<u32> = (0..0x250).collect();
    // U+2065 is unassigned: Python escapes it, we do not (no Unicode tables; documented).
    cps.extend((0x2000..0x2070).filter(|&cp| cp != 0x2065));
    cps.extend([
        0x600, 0x61c, 0x180e, 0x3000, 0xfeff, 0xfffa, 0xe000, 0xf8ff, 0x1f600,
    ]);
    cps.extend([0x110bd, 0x1d173, 0xe0001, 0xe0041, 0xf0000, 0x10fffd]);
    let names: Vec<String> = cps
        .iter()
        .map(|&cp| format!("n{}", char::from_u32(cp).unwrap()))
        .chain(["it's", "\"q\"", "'both\"", "\\"].map(String::from))
        .collect();
    let cps_arg: Vec<String> = names
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| (c as u32).to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.txt");
    std::fs::write(&path, cps_arg.join("\n")).unwrap();
    let out = common::numpy_on(
        "for line in open(sys.argv[1]).read().split('\\n'):\n    \
         name = ''.join(chr(int(c)) for c in line.split(',') if c)\n    \
         print(repr(np.dtype([(name, '<i4')]).descr).encode('unicode_escape').decode())",
        &path,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), names.len());
    let i4 = parse_descr("'<i4'").unwrap();
    for (name, want) in names.iter().zip(lines) {
        let d = Dtype::Record(typed_memmap::RecordDtype {
            fields: vec![typed_memmap::Field {
                name: name.clone(),
                title: None,
                offset: 0,
                dtype: i4.clone(),
            }],
            itemsize: 4,
        });
        let ours: String = d.descr().escape_unicode_like_python();
        assert_eq!(ours, want, "name {name:?}");
        assert_eq!(parse_descr(&d.descr()).unwrap(), d, "name {name:?}");
    }
}

/// Python's `str.encode('unicode_escape').decode()`, so that both sides compare as ASCII.
trait EscapeLikePython {
    fn escape_unicode_like_python(&self) -> String;
}

impl EscapeLikePython for String {
    fn escape_unicode_like_python(&self) -> String {
        let mut out = String::new();
        for c in self.chars() {
            let cp = c as u32;
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                ' '..='~' => out.push(c),
                _ if cp < 0x100 => out.push_str(&format!("\\x{cp:02x}")),
                _ if cp < 0x10000 => out.push_str(&format!("\\u{cp:04x}")),
                _ => out.push_str(&format!("\\U{cp:08x}")),
            }
        }
        out
    }
}
