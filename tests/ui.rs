//! Compile-time behaviour of the crate: every `ui-tests/*.rs` must fail to compile with the
//! error in its `.stderr` (generated with `TRYBUILD=overwrite`), and every
//! `ui-tests/pass/*.rs` must build and run.

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui-tests/*.rs");
    t.pass("ui-tests/pass/*.rs");
}
