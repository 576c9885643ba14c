// The padding checks are sealed: an impl written by hand to silence one is refused, and the
// record still fails to compile. (`S` has a field named `S`, so its check names the record by
// its type rather than by a type parameter: the one case that such an impl could match.)
#![allow(non_snake_case)]
use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    a: u8,
    S: u32,
}

impl<A: ?Sized, B: ?Sized> typed_memmap::__private::NoGapBetween<S, A, B, 3> for () {
    const OK: () = ();
}

fn main() {}
