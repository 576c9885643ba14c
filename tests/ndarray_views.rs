//! ndarray views against numpy, both directions (feature `ndarray`).
//!
//! - numpy → us: numpy writes `.npy` files (C and Fortran order, ranks 0 to 3, four dtypes)
//!   and raw `np.memmap` files (Fortran order); our `view()`, `view_dim::<IxN>()` of the map,
//!   of the copying `read` and of a `DynArray` hold, in logical order, the values numpy
//!   printed, equal `get(&[..])` at every index, and start at the map's first element.
//! - us → numpy: we write maps (raw and `.npy`, C and F) through `view_mut`; numpy reads the
//!   values we wrote.
//! - columns of record files written by numpy: aligned fields and `[f32; 3]` fields are views
//!   equal to numpy's `a['field']`; fields of packed records are refused with the typed error.
//! - `.npy` files and raw maps made from non-contiguous ndarray views are read by numpy as the
//!   same slice of the same source array.
#![cfg(not(miri))]

mod common;

use std::path::Path;

use common::{c_indices, numpy};
use ndarray::{s, Array3, ArrayViewD, Dimension, Ix0, Ix1, Ix2, Ix3};
use typed_memmap::ndarray::{create_map, write_npy, NdarrayProblem};
use typed_memmap::{npy, DynArray, Element, Error, Options, Order, Record};

/// A dtype under test. numpy makes the values (small dyadic numbers, exact in `f64` and in
/// Python's `float`), so they compare exactly after the cast.
trait Sample: Element + PartialEq + std::fmt::Debug {
    const NUMPY: &'static str;
    fn to_f64(self) -> f64;
}

macro_rules! sample {
    ($($t:ty => $np:literal;)*) => {$(
        impl Sample for $t {
            const NUMPY: &'static str = $np;
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}

sample! {
    f64 => "<f8";
    f32 => "<f4";
    i16 => "<i2";
    u8 => "|u1";
}

const SHAPES: [&[usize]; 5] = [&[], &[7], &[3, 4], &[2, 3, 4], &[0, 3]];

fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("({},)", dims.join(",")).replace("(,)", "()")
}

/// The values numpy printed, one JSON list per line.
fn lists(out: &str) -> Vec<Vec<f64>> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn values_of<T: Sample>(view: &ArrayViewD<'_, T>) -> Vec<f64> {
    view.iter().map(|&x| x.to_f64()).collect()
}

/// The fixed-rank view of every rank 0..=3 equals the dynamic one, and the others are refused.
fn check_fixed_ranks<T: Sample>(map: &typed_memmap::Memmap<T>, dynamic: &ArrayViewD<'_, T>) {
    let rank = map.ndim();
    for wanted in 0..=3 {
        let got = match wanted {
            0 => map.view_dim::<Ix0>().map(|v| v.into_dyn()),
            1 => map.view_dim::<Ix1>().map(|v| v.into_dyn()),
            2 => map.view_dim::<Ix2>().map(|v| v.into_dyn()),
            _ => map.view_dim::<Ix3>().map(|v| v.into_dyn()),
        };
        match got {
            Ok(v) => {
                assert_eq!(wanted, rank);
                assert_eq!(&v, dynamic);
            }
            Err(Error::Ndarray { path, problem }) => {
                assert_ne!(wanted, rank);
                assert_eq!(path.as_deref(), Some(map.path()));
                let shape = map.shape().to_vec();
                assert_eq!(problem, NdarrayProblem::Rank { shape, wanted });
            }
            Err(other) => panic!("{other}"),
        }
    }
}

fn numpy_files_view_like_indexing<T: Sample>() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = String::from(
        "import json, os\nd = sys.argv[1]\nn = 0\n\
         def fill(shape, dt):\n    k = int(np.prod(shape))\n    i = np.arange(k)\n",
    );
    script += match T::NUMPY {
        "<f8" => "    v = i * 0.5 - 3.0\n",
        "<f4" => "    v = i * 0.25 + 1.0\n",
        "<i2" => "    v = i * -7\n",
        _ => "    v = i + 1\n",
    };
    script += "    return v.astype(dt).reshape(shape)\n";
    let mut names = Vec::new();
    for order in ["C", "F"] {
        for (k, shape) in SHAPES.into_iter().enumerate() {
            let name = format!("{order}{k}.npy");
            let raw = format!("{order}{k}.raw");
            script += &format!(
                "a = np.asarray(fill({shp}, '{dt}'), order='{order}')\n\
                 np.save(os.path.join(d, '{name}'), a)\n\
                 print(json.dumps(a.ravel(order='C').astype(float).tolist()))\n",
                shp = shape_text(shape),
                dt = T::NUMPY,
            );
            if !shape.is_empty() && !shape.contains(&0) {
                script += &format!(
                    "m = np.memmap(os.path.join(d, '{raw}'), dtype='{dt}', mode='w+', \
                     shape={shp}, order='{order}')\nm[...] = a\nm.flush()\ndel m\n",
                    shp = shape_text(shape),
                    dt = T::NUMPY,
                );
            }
            names.push((name, raw, order, shape));
        }
    }
    let printed = lists(&numpy(&script, &[&dir.path()]));
    for ((name, raw, order, shape), want) in names.into_iter().zip(printed) {
        let order = if order == "F" { Order::F } else { Order::C };
        let path = dir.path().join(&name);
        // SAFETY: the files are private to this test.
        let map = unsafe { npy::open::<T>(&path) }.unwrap();
        // numpy writes `fortran_order: True` only for arrays that are not C-contiguous too.
        let both = shape.contains(&0) || shape.iter().filter(|&&d| d > 1).count() < 2;
        assert_eq!(map.order(), if both { Order::C } else { order }, "{name}");
        let v = map.view().unwrap();
        assert_eq!(v.shape(), shape, "{name}");
        assert_eq!(values_of(&v), want, "{name}: values in logical order");
        for index in c_indices(shape) {
            assert_eq!(v.get(&index[..]), map.get(&index), "{name} {index:?}");
        }
        if !want.is_empty() {
            assert_eq!(
                v.as_ptr(),
                map.as_ptr(),
                "{name}: a view of the map, not a copy"
            );
        }
        check_fixed_ranks(&map, &v);

        let read = npy::read::<T>(&path).unwrap();
        assert_eq!(read.view().unwrap(), v, "{name}: read");
        let dynamic = DynArray::read(&path).unwrap();
        assert_eq!(dynamic.view::<T>().unwrap(), v, "{name}: DynArray");

        let raw = dir.path().join(&raw);
        if raw.exists() {
            let options = Options::<T>::new().shape(shape).order(order);
            // SAFETY: as above.
            let m = unsafe { options.open(&raw) }.unwrap();
            assert_eq!(values_of(&m.view().unwrap()), want, "{}", raw.display());
        }
    }
}

#[test]
fn numpy_files_view_like_indexing_f64() {
    numpy_files_view_like_indexing::<f64>();
}

#[test]
fn numpy_files_view_like_indexing_f32() {
    numpy_files_view_like_indexing::<f32>();
}

#[test]
fn numpy_files_view_like_indexing_i16() {
    numpy_files_view_like_indexing::<i16>();
}

#[test]
fn numpy_files_view_like_indexing_u8() {
    numpy_files_view_like_indexing::<u8>();
}

/// The value we write at `index`: different at every index of the shapes used.
fn mark(index: &[usize]) -> f64 {
    index.iter().fold(1.0, |acc, &i| acc * 10.0 + i as f64)
}

#[test]
fn writes_through_views_reach_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = String::from("d = sys.argv[1]\nimport os, json\n");
    let mut expected = Vec::new();
    for order in [Order::C, Order::F] {
        for (k, shape) in SHAPES.into_iter().enumerate() {
            let raw = dir.path().join(format!("{order}{k}.f8"));
            let npy_path = dir.path().join(format!("{order}{k}.npy"));
            // SAFETY: the files are private to this test.
            let mut m =
                unsafe { Options::<f64>::new().shape(shape).order(order).create(&raw) }.unwrap();
            let mut v = m.view_mut().unwrap();
            for (index, x) in v.indexed_iter_mut() {
                *x = mark(index.as_array_view().as_slice().unwrap());
            }
            m.flush().unwrap();
            // SAFETY: as above.
            let mut n = unsafe { npy::create::<f64>(&npy_path, shape, order) }.unwrap();
            n.view_mut().unwrap().assign(&m.view().unwrap());
            n.flush().unwrap();
            let want: Vec<f64> = c_indices(shape).iter().map(|i| mark(i)).collect();
            let np_order = if order == Order::F { "F" } else { "C" };
            if !shape.is_empty() && !shape.contains(&0) {
                script += &format!(
                    "m = np.memmap(os.path.join(d, '{raw}'), dtype='<f8', mode='r', \
                     shape={shp}, order='{np_order}')\n\
                     print(json.dumps(m.ravel(order='C').tolist()))\n",
                    raw = raw.file_name().unwrap().to_str().unwrap(),
                    shp = shape_text(shape),
                );
                expected.push(want.clone());
            }
            script += &format!(
                "a = np.load(os.path.join(d, '{npy}'))\n\
                 print(json.dumps(a.ravel(order='C').tolist()))\n",
                npy = npy_path.file_name().unwrap().to_str().unwrap(),
            );
            expected.push(want);
        }
    }
    assert_eq!(lists(&numpy(&script, &[&dir.path()])), expected);
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Star {
    pos: [f32; 3],
    mag: f32,
}

/// 13-byte records: no stride in elements reaches the next `price` or `qty`.
#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed)]
struct Packed13 {
    flag: u8,
    price: f64,
    qty: u32,
}

/// 16-byte records: the stride suits `f64`, the address of `price` does not.
#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed)]
struct Packed16 {
    flag: u8,
    price: f64,
    qty: u32,
    _pad: [u8; 3],
}

/// numpy writes `n` records of `T`'s dtype, every field filled by `fill` (a Python
/// expression of the record index `i` and the field name `f`), and prints `a[field]` as
/// JSON for each field in `print`.
fn numpy_records<T: Element>(path: &Path, n: usize, print: &[&str]) -> Vec<Vec<f64>> {
    let script = format!(
        "import ast, json\n\
         dt = np.lib.format.descr_to_dtype(ast.literal_eval(sys.argv[2]))\n\
         a = np.zeros({n}, dtype=dt)\n\
         for j, f in enumerate(dt.names):\n    \
             a[f] = (np.arange(a[f].size).reshape(a[f].shape) * (j + 1) * 0.5 + j)\n\
         np.save(sys.argv[1], a)\n\
         for f in {print:?}:\n    print(json.dumps(a[f].astype(float).ravel().tolist()))\n"
    );
    let descr = T::dtype().descr();
    lists(&numpy(&script, &[&path, &descr]))
}

#[test]
fn columns_of_numpy_records_are_views() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.npy");
    let want = numpy_records::<Tick>(&path, 50, &["price", "qty", "ts"]);
    // SAFETY: the file is private to this test.
    let ticks = unsafe { npy::open::<Tick>(&path) }.unwrap();
    let price = ticks.column(Tick::fields().price).view().unwrap();
    assert_eq!(price.strides(), [3]);
    assert_eq!(price.to_vec(), want[0]);
    assert_eq!(
        price.as_ptr(),
        &raw const ticks[0].price,
        "a view of the map"
    );
    let qty = ticks.column(Tick::fields().qty).view().unwrap();
    assert_eq!(
        qty.iter().map(|&q| f64::from(q)).collect::<Vec<_>>(),
        want[1]
    );
    let ts = ticks.column(Tick::fields().ts).view().unwrap();
    assert_eq!(ts.iter().map(|&t| t as f64).collect::<Vec<_>>(), want[2]);
    for (i, tick) in ticks.iter().enumerate() {
        assert_eq!((price[i], qty[i], ts[i]), (tick.price, tick.qty, tick.ts));
    }

    let path = dir.path().join("stars.npy");
    let want = numpy_records::<Star>(&path, 9, &["pos", "mag"]);
    // SAFETY: as above.
    let stars = unsafe { npy::open::<Star>(&path) }.unwrap();
    let pos = stars.column(Star::fields().pos);
    let grid = pos.view_2d().unwrap();
    assert_eq!(grid.shape(), [9, 3]);
    let flat: Vec<f64> = grid.iter().map(|&x| f64::from(x)).collect();
    assert_eq!(flat, want[0], "a['pos'] of shape (9, 3)");
    let mag = stars.column(Star::fields().mag).view().unwrap();
    assert_eq!(
        mag.iter().map(|&x| f64::from(x)).collect::<Vec<_>>(),
        want[1]
    );
    // A 12-byte `[f32; 3]` does not divide the 16-byte record: no 1-D view of whole arrays.
    match pos.view().unwrap_err() {
        Error::Ndarray {
            problem: NdarrayProblem::Stride { stride, size, .. },
            ..
        } => assert_eq!((stride, size), (16, 12)),
        other => panic!("{other}"),
    }
}

#[test]
fn writable_columns_reach_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stars.npy");
    numpy_records::<Star>(&path, 4, &[]);
    // SAFETY: the file is private to this test.
    let mut stars = unsafe { npy::open_mut::<Star>(&path) }.unwrap();
    stars
        .column_mut(Star::fields().pos)
        .view_2d_mut()
        .unwrap()
        .column_mut(2)
        .fill(-8.0);
    stars
        .column_mut(Star::fields().mag)
        .view_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
        .for_each(|(i, m)| *m = i as f32 * 100.0);
    stars.flush().unwrap();
    let out = numpy(
        "import json\na = np.load(sys.argv[1])\n\
         print(json.dumps(a['pos'][:, 2].astype(float).tolist()))\n\
         print(json.dumps(a['mag'].astype(float).tolist()))\n\
         print(json.dumps(a['pos'][:, 0].astype(float).tolist()))\n",
        &[&path],
    );
    let got = lists(&out);
    assert_eq!(got[0], [-8.0; 4]);
    assert_eq!(got[1], [0.0, 100.0, 200.0, 300.0]);
    assert_eq!(
        got[2],
        [0.0, 1.5, 3.0, 4.5],
        "untouched values stay numpy's"
    );
}

#[test]
fn packed_columns_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p13.npy");
    let want = numpy_records::<Packed13>(&path, 5, &["price"]);
    // SAFETY: the file is private to this test.
    let p13 = unsafe { npy::open::<Packed13>(&path) }.unwrap();
    for (column, size) in [
        (p13.column(Packed13::fields().price).view().map(drop), 8),
        (p13.column(Packed13::fields().qty).view().map(drop), 4),
    ] {
        let err = column.unwrap_err();
        let text = err.to_string();
        match err {
            Error::Ndarray {
                path: None,
                problem:
                    NdarrayProblem::Stride {
                        stride: 13,
                        size: s,
                        ..
                    },
            } => assert_eq!(s, size),
            other => panic!("{other:?}"),
        }
        let words = format!("stride of 13 bytes is not a multiple of {size}");
        assert!(text.contains(&words) && text.contains("`Column`"), "{text}");
    }
    // The refused column still reads by value, as numpy reads it.
    assert_eq!(p13.column(Packed13::fields().price).to_vec(), want[0]);
    // `flag` is a `u8` at offset 0: alignment 1 and size 1 suit any record.
    assert!(p13.column(Packed13::fields().flag).view().is_ok());

    let path = dir.path().join("p16.npy");
    numpy_records::<Packed16>(&path, 5, &[]);
    // SAFETY: as above.
    let p16 = unsafe { npy::open::<Packed16>(&path) }.unwrap();
    let err = p16.column(Packed16::fields().price).view().unwrap_err();
    let text = err.to_string();
    match err {
        Error::Ndarray {
            problem:
                NdarrayProblem::Misaligned {
                    offset,
                    address,
                    align,
                    ..
                },
            ..
        } => {
            assert_eq!((offset, align), (1, 8));
            assert_eq!(address, p16.as_bytes().as_ptr() as usize + 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        text.contains("not a multiple of 8, the alignment of `f64`"),
        "{text}"
    );
    // `qty` at offset 9 is misaligned for `u32` too; the whole records are fine.
    assert!(p16.column(Packed16::fields().qty).view().is_err());
    assert_eq!(p16.view().unwrap().len(), 5);
}

/// The source array of the slicing tests: 4 x 5 x 6 distinct values.
fn source() -> Array3<i32> {
    Array3::from_shape_fn((4, 5, 6), |(i, j, k)| (100 * i + 10 * j + k) as i32 - 250)
}

#[test]
fn npy_from_any_layout_is_numpys_slice() {
    let dir = tempfile::tempdir().unwrap();
    let a = source();
    write_npy(dir.path().join("src.npy"), &a).unwrap();
    // Each view and the numpy expression of the same slice of the same array.
    // An owned Fortran-order copy of `a`.
    let f = a.t().as_standard_layout().into_owned().reversed_axes();
    let cases: [(&str, ArrayViewD<'_, i32>, &str); 7] = [
        ("c", a.view().into_dyn(), "src"),
        ("t", a.t().into_dyn(), "src.T"),
        ("f", f.view().into_dyn(), "src"),
        (
            "steps",
            a.slice(s![..;2, 1.., ..;3]).into_dyn(),
            "src[::2, 1:, ::3]",
        ),
        (
            "reversed",
            a.slice(s![.., ..;-1, ..]).into_dyn(),
            "src[:, ::-1, :]",
        ),
        (
            "permuted",
            a.view().permuted_axes([1, 2, 0]).into_dyn(),
            "src.transpose(1, 2, 0)",
        ),
        ("row", a.slice(s![2, .., 3]).into_dyn(), "src[2, :, 3]"),
    ];
    let mut script =
        String::from("import os\nd = sys.argv[1]\nsrc = np.load(os.path.join(d, 'src.npy'))\n");
    for (name, view, expr) in &cases {
        write_npy(dir.path().join(format!("{name}.npy")), view).unwrap();
        script += &format!(
            "b = np.load(os.path.join(d, '{name}.npy'))\n\
             print('{name}', np.array_equal(b, {expr}), b.shape == {expr}.shape, \
             np.isfortran(b), b.dtype.str)\n"
        );
    }
    let out = numpy(&script, &[&dir.path()]);
    let fortran = ["t", "f"]; // Fortran-contiguous: written as such, with fortran_order True
    for ((name, _, _), line) in cases.iter().zip(out.lines()) {
        let is_f = if fortran.contains(name) {
            "True"
        } else {
            "False"
        };
        assert_eq!(line, format!("{name} True True {is_f} <i4"));
    }
}

#[test]
fn raw_maps_from_any_layout_are_numpys_slice() {
    let dir = tempfile::tempdir().unwrap();
    let a = source();
    write_npy(dir.path().join("src.npy"), &a).unwrap();
    let cases: [(&str, ArrayViewD<'_, i32>, &str); 3] = [
        ("t", a.t().into_dyn(), "src.T"),
        (
            "steps",
            a.slice(s![1.., ..;2, ..;-2]).into_dyn(),
            "src[1:, ::2, ::-2]",
        ),
        ("c", a.view().into_dyn(), "src"),
    ];
    let mut script =
        String::from("import os\nd = sys.argv[1]\nsrc = np.load(os.path.join(d, 'src.npy'))\n");
    for (name, view, expr) in &cases {
        let path = dir.path().join(format!("{name}.i4"));
        // A header-sized offset, as a raw file with a prefix has.
        let options = Options::new().offset(64);
        // SAFETY: the file is private to this test.
        let m = unsafe { create_map(&options, &path, view) }.unwrap();
        assert_eq!(&m.view().unwrap(), view, "{name}");
        m.flush().unwrap();
        let order = if *name == "t" { "F" } else { "C" };
        assert_eq!(m.order().to_string(), order);
        script += &format!(
            "m = np.memmap(os.path.join(d, '{name}.i4'), dtype='<i4', mode='r', offset=64, \
             shape={shape}, order='{order}')\n\
             print('{name}', np.array_equal(m, {expr}))\n",
            shape = shape_text(m.shape()),
        );
    }
    let out = numpy(&script, &[&dir.path()]);
    let want: Vec<String> = cases.iter().map(|(n, _, _)| format!("{n} True")).collect();
    assert_eq!(out.lines().collect::<Vec<_>>(), want);
}
