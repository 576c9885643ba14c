//! Rules that look at several fields at once. Rules that depend on types (a field is an
//! `Element`, there is no padding) cannot be decided here: `expand` emits them as
//! compile-time checks, decided by the compiler's own layout numbers.

use std::collections::HashMap;

use crate::ast::Record;
use crate::ctxt::Ctxt;

/// Records every rule the parsed record breaks.
pub fn check(record: &Record<'_>, errors: &mut Ctxt) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for field in &record.fields {
        let Some(name) = field.numpy_name.as_deref() else {
            continue;
        };
        if let Some(first) = seen.insert(name, &field.rust_name) {
            let span = match &field.attrs.rename {
                Some(lit) => lit.span(),
                None => field.name_span(),
            };
            errors.push(syn::Error::new(
                span,
                format!(
                    "the numpy field name `{name}` is used twice (fields `{first}` and `{}`): \
                     numpy field names must be unique; change one `#[record(rename = \"...\")]`",
                    field.rust_name
                ),
            ));
        }
    }
    if !record.fields.is_empty() && record.fields.iter().all(|f| f.numpy_name.is_none()) {
        errors.push(syn::Error::new_spanned(
            record.ident,
            "every field of this record is padding (names starting with `_`): numpy needs at \
             least one named field; remove the leading `_` from a field that holds data",
        ));
    }
}
