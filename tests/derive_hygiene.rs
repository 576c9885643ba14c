//! The code `#[derive(Record)]` generates names everything by absolute path: it compiles
//! without the prelude, beside user items called `Result`, `Option`, `Element`, `Vec`,
//! `String`, `Box`, `Copy`, `Sized`, `NoGap`, `OK` and modules called `core` and
//! `diagnostic` (which would capture a `#[diagnostic::...]` attribute written in this scope,
//! as `#![no_implicit_prelude]` hides the tool attributes' own `diagnostic`).
#![no_implicit_prelude]
#![allow(dead_code, non_camel_case_types)]

mod core {
    pub struct Dtype;
}

mod diagnostic {
    pub struct on_unimplemented;
}

struct Result;
struct Option;
struct Element;
struct Vec;
struct String;
struct Box;
struct Copy;
struct Sized;
struct NoGap;
const OK: u8 = 0;
struct Field;
struct FieldHandle;
trait Record {}

#[derive(::core::clone::Clone, ::core::marker::Copy, ::typed_memmap::Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

#[derive(::core::clone::Clone, ::core::marker::Copy, ::typed_memmap::Record)]
#[repr(C, packed)]
struct Outer {
    tag: u8,
    tick: Tick,
    pair: Pair,
}

#[derive(::core::clone::Clone, ::core::marker::Copy, ::typed_memmap::Record)]
#[repr(C)]
struct Pair(u32, f32);

// The padding checks name their type parameters after the record and its fields: fields named
// like their own types, like the record, or with raw identifiers must not confuse them.
#[derive(::core::clone::Clone, ::core::marker::Copy, ::typed_memmap::Record)]
#[repr(C)]
#[allow(non_snake_case)]
struct Shadow {
    u32: u32,
    Shadow: f32,
    r#type: u64,
}

// Inherent items with the names of trait methods must not be picked up by generated code
// (zerocopy#3621): it calls traits by fully qualified path.
impl Pair {
    fn dtype() -> u8 {
        0
    }
    fn fields_in() -> u8 {
        0
    }
}

#[test]
fn derive_works_without_the_prelude() {
    let dtype = <Tick as ::typed_memmap::Element>::dtype();
    ::std::assert_eq!(
        dtype.descr(),
        "[('ts', '<u8'), ('price', '<f8'), ('qty', '<u4'), ('side', '|u1'), ('', '|V3')]"
    );
    let outer = <Outer as ::typed_memmap::Element>::dtype();
    ::std::assert_eq!(outer.itemsize(), 1 + 24 + 8);
    ::std::assert_eq!(
        <Pair as ::typed_memmap::Element>::dtype().descr(),
        "[('f0', '<u4'), ('f1', '<f4')]"
    );
    ::std::assert_eq!(Pair::dtype() + Pair::fields_in(), 0);
    ::std::assert_eq!(
        <Shadow as ::typed_memmap::Element>::dtype().descr(),
        "[('u32', '<u4'), ('Shadow', '<f4'), ('type', '<u8')]"
    );

    let ticks = [
        Tick {
            ts: 1,
            price: 2.5,
            qty: 3,
            side: 4,
            _pad: [0; 3],
        },
        Tick {
            ts: 5,
            price: 6.5,
            qty: 7,
            side: 8,
            _pad: [0; 3],
        },
    ];
    let prices = ::typed_memmap::Column::from_slice(&ticks, Tick::fields().price);
    ::std::assert_eq!(prices.to_vec(), [2.5, 6.5]);

    let outers = [Outer {
        tag: 9,
        tick: ticks[1],
        pair: Pair(10, 11.5),
    }];
    let qty = Outer::fields().tick.fields().qty;
    ::std::assert_eq!(qty.offset(), 1 + 16);
    ::std::assert_eq!(
        ::typed_memmap::Column::from_slice(&outers, qty).to_vec(),
        [7]
    );
    let f1 = Outer::fields().pair.fields().f1;
    ::std::assert_eq!(
        ::typed_memmap::Column::from_slice(&outers, f1).to_vec(),
        [11.5]
    );
}
