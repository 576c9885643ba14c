//! `tmm info --json` reports what numpy says of the same file: descr, shape, fortran_order,
//! item size, field offsets, sizes and alignments, the header's version and lengths.

mod common;

use common::{numpy, stdout, tmm};
use serde_json::Value;

fn info(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Value {
    let mut full: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"info", &"--json"];
    full.extend_from_slice(args);
    let out = tmm(&full);
    assert!(out.status.success(), "{}", common::stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// numpy's view of the file as JSON.
const ORACLE: &str = r#"
import json
a = np.load(sys.argv[1], mmap_mode='r')
raw = open(sys.argv[1], 'rb').read()
version = raw[6]
hlen = int.from_bytes(raw[8:10] if version == 1 else raw[8:12], 'little')
start = 10 if version == 1 else 12
header = raw[:start + hlen]
fields = []
def walk(dt, prefix, base):
    if dt.names is None:
        return
    for name in dt.names:
        sub, off = dt.fields[name][:2]
        fields.append({'name': prefix + name, 'offset': base + off, 'size': sub.itemsize,
                       'align': sub.alignment if sub.names is None else
                                np.dtype(sub.descr, align=True).alignment})
        walk(sub, prefix + name + '.', base + off)
walk(a.dtype, '', 0)
print(json.dumps({
    'descr': repr(np.lib.format.dtype_to_descr(a.dtype)),
    'shape': list(a.shape),
    'fortran_order': bool(a.flags.f_contiguous and not a.flags.c_contiguous),
    'itemsize': a.dtype.itemsize,
    'count': int(a.size),
    'nbytes': int(a.nbytes),
    'data_offset': int(a.offset),
    'version': f'{raw[6]}.{raw[7]}',
    'header_len': hlen,
    'spare_bytes': len(header.rstrip(b'\n')) - len(header.rstrip(b'\n').rstrip(b' ')),
    'file_size': len(raw),
    'fields': fields,
}))
"#;

fn compare(make: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.npy");
    numpy(&format!("np.save(sys.argv[1], {make})"), &[&path]);
    let want: Value = serde_json::from_str(&numpy(ORACLE, &[&path])).unwrap();
    let got = info(&[&path]);
    for key in [
        "descr",
        "shape",
        "itemsize",
        "count",
        "nbytes",
        "data_offset",
        "version",
        "header_len",
        "file_size",
    ] {
        assert_eq!(got[key], want[key], "{make}: {key}");
    }
    if want["shape"].as_array().unwrap().len() > 1 {
        assert_eq!(got["fortran_order"], want["fortran_order"], "{make}");
    }
    assert_eq!(got["growth"]["spare_bytes"], want["spare_bytes"], "{make}");
    assert_eq!(got["format"], "npy");
    assert_eq!(got["trailing_bytes"], 0);
    let got_fields: Vec<Value> = got["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            serde_json::json!({"name": f["name"], "offset": f["offset"], "size": f["size"],
                                "align": f["align"]})
        })
        .collect();
    assert_eq!(Value::Array(got_fields), want["fields"], "{make}");
}

#[test]
fn scalars_and_arrays() {
    compare("np.arange(7, dtype='<f8')");
    compare("np.zeros((3, 4), dtype='>i2')");
    compare("np.asfortranarray(np.zeros((3, 4), dtype='<u4'))");
    compare("np.array(3.5)");
    compare("np.zeros(0, dtype='<M8[ns]')");
}

#[test]
fn records_nested_padded_and_aligned() {
    compare("np.zeros(5, dtype=[('t', '<i8'), ('px', '<f4'), ('tag', 'S3')])");
    compare(
        "np.zeros(2, dtype=[('a', 'u1'), ('pos', [('x', '<f4'), ('y', '<f8')]), \
         ('v', '<i2', (3,))])",
    );
    compare("np.zeros(4, dtype=np.dtype([('a', 'u1'), ('b', '<f8'), ('c', '<i2')], align=True))");
}

#[test]
fn growth_room_fits_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.npy");
    numpy("np.save(sys.argv[1], np.zeros(3, dtype='<f8'))", &[&path]);
    let got = info(&[&path]);
    let max_len = got["growth"]["max_len"].as_u64().unwrap();
    assert_eq!(got["growth"]["axis"], 0);
    // The header with the largest length that fits is as long as the original: numpy reads
    // a header rewritten to that shape with the same data offset.
    let header = std::fs::read(&path).unwrap()[..128].to_vec();
    let grown = typed_memmap::npy::rewrite_shape(&header, &[max_len as usize]).unwrap();
    assert_eq!(grown.len(), header.len());
    assert!(typed_memmap::npy::rewrite_shape(&header, &[usize::MAX]).is_none());
}

#[test]
fn raw_files_and_logs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.bin");
    let mut bytes = vec![7u8; 16];
    bytes.extend_from_slice(&[0u8; 12 * 5 + 7]);
    std::fs::write(&path, &bytes).unwrap();
    let dtype = "[('a', '<i4'), ('b', '<f8')]";
    let log = info(&[&path, &"--dtype", &dtype, &"--header-len", &"16"]);
    assert_eq!(log["format"], "log");
    assert_eq!(log["shape"], serde_json::json!([5]));
    assert_eq!(log["torn_bytes"], 7);
    assert_eq!(log["data_offset"], 16);
    let raw = info(&[
        &path,
        &"--dtype",
        &dtype,
        &"--offset",
        &"16",
        &"--shape",
        &"5",
    ]);
    assert_eq!(raw["format"], "raw");
    assert_eq!(raw["trailing_bytes"], 7);
    assert_eq!(raw["fields"][1]["offset"], 4);
    assert_eq!(raw["fields"][1]["aligned"], false);
}
