//! The `#[derive(Record)]` macro of `typed-memmap`. Use it through `typed_memmap::Record`,
//! whose documentation lists every check and its error message.
//!
//! The derive is a pipeline: `ast` parses the struct (with `attr` for `#[record(...)]`
//! and `repr` for `#[repr(...)]`), `validate` checks the rules that span several fields,
//! and `expand` generates the code, including the compile-time checks that need types.
//! Parsing and validation report into one `ctxt::Ctxt`, which depends on no other stage, so
//! every import points down the pipeline: `ast` uses `attr`, `repr` and `ctxt`; `validate`
//! uses `ast` and `ctxt`; `expand` uses `ast`.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod ast;
mod attr;
mod ctxt;
mod expand;
mod repr;
mod validate;

/// Derives `typed_memmap::Element` (with numpy's structured dtype) and typed field handles for
/// a `#[repr(C)]` struct, after checking at compile time that the struct is plain data with no
/// padding. `typed_memmap::Record` documents what is accepted and every error message.
#[proc_macro_derive(Record, attributes(record))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let mut errors = ctxt::Ctxt::default();
    let record = ast::parse(&input, &mut errors);
    validate::check(&record, &mut errors);
    // `repr` is `None` only when an error was recorded; the message below is a backstop.
    let checked = errors.finish().and_then(|()| {
        record
            .repr
            .ok_or_else(|| syn::Error::new(proc_macro2::Span::call_site(), "add `#[repr(C)]`"))
    });
    let expanded = match checked {
        Ok(_) => expand::record(&record),
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(expand::fallback(&input, &record));
            out
        }
    };
    expanded.into()
}
