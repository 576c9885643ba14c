use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
struct S {
    a: u32,
    b: u32,
}

// Uses of the refused type add no errors of their own: the derive still emits a placeholder
// `Element` impl and the field handles.
fn uses(records: &[S]) -> u32 {
    let bytes = typed_memmap::bytes_of(records).len() as u32;
    typed_memmap::Column::from_slice(records, S::fields().b).iter().sum::<u32>() + bytes
}

fn main() {}
