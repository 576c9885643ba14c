//! `DynArray::spec` of arrays read from `.npz` members: a stored member's bytes lie in the
//! archive as they are, so its spec reopens them; a deflated member's do not, so its spec is
//! refused instead of naming compressed bytes at a meaningless offset.
#![cfg(feature = "npz")]

use typed_memmap::{npz, Error, Order, SpecProblem};

fn archive(dir: &std::path::Path, deflated: bool) -> std::path::PathBuf {
    let path = dir.join(if deflated { "d.npz" } else { "s.npz" });
    let mut w = if deflated {
        npz::Writer::deflated(&path).unwrap()
    } else {
        npz::Writer::stored(&path).unwrap()
    };
    let data: Vec<f64> = (0..100).map(f64::from).collect();
    w.add("x", &data, &[100], Order::C).unwrap();
    w.finish().unwrap();
    path
}

#[test]
#[cfg_attr(miri, ignore = "file I/O")]
fn a_stored_member_read_into_memory_gives_a_spec_of_its_bytes_in_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), false);
    let a = npz::read_dyn(&path, "x").unwrap();
    let spec = a.spec().unwrap();
    // SAFETY: the archive is private to this test; nobody writes or truncates it.
    let reopened = unsafe { spec.open::<f64>() }.unwrap();
    assert_eq!(&reopened[..], a.as_typed::<f64>().unwrap());
}

#[test]
#[cfg_attr(miri, ignore = "file I/O")]
fn a_deflated_member_read_into_memory_has_no_spec() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), true);
    let a = npz::read_dyn(&path, "x").unwrap();
    assert_eq!(a.as_typed::<f64>().unwrap()[99], 99.0);
    match a.spec() {
        Err(Error::Spec {
            problem: SpecProblem::InMemory,
            ..
        }) => {}
        other => panic!("expected Error::Spec(InMemory), got {other:?}"),
    }
    assert_eq!(a.data_offset(), 0);
}
