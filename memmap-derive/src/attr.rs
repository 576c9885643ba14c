//! The `#[record(...)]` helper attribute: every key the derive knows, named in one place.

use syn::ext::IdentExt;
use syn::{Attribute, LitStr};

use crate::ctxt::Ctxt;

/// The name of the helper attribute.
pub const ATTR: &str = "record";

/// Keys accepted on a field.
pub const FIELD_KEYS: &[&str] = &["rename"];

/// What `#[record(...)]` says about one field.
#[derive(Default)]
pub struct FieldAttrs {
    /// `rename = "..."`: the numpy field name, with the literal for spans.
    pub rename: Option<LitStr>,
}

fn is_record_attr(attr: &Attribute) -> bool {
    attr.path().get_ident().is_some_and(|i| i.unraw() == ATTR)
}

/// Parses the `#[record(...)]` attributes of a field, recording every problem.
pub fn field(attrs: &[Attribute], errors: &mut Ctxt) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| is_record_attr(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.unraw().to_string())
                .unwrap_or_default();
            match key.as_str() {
                "rename" => {
                    let value = meta.value()?;
                    let lit: LitStr = value.parse().map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "`rename` takes a string literal: `#[record(rename = \"name\")]`",
                        )
                    })?;
                    if out.rename.is_some() {
                        errors.push(syn::Error::new(
                            lit.span(),
                            "`rename` is given twice for this field: keep one",
                        ));
                    } else if lit.value().is_empty() {
                        errors.push(syn::Error::new(
                            lit.span(),
                            "a numpy field name cannot be empty (numpy reads `''` as padding): \
                             give a name, or make the field a padding field by starting its \
                             name with `_`",
                        ));
                    } else {
                        out.rename = Some(lit);
                    }
                    Ok(())
                }
                _ => Err(meta.error(format!(
                    "unknown key in `#[record(...)]`: the keys are {}",
                    list(FIELD_KEYS)
                ))),
            }
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

/// Refuses `#[record(...)]` on the struct itself: every key belongs to a field.
pub fn container(attrs: &[Attribute], errors: &mut Ctxt) {
    for attr in attrs.iter().filter(|a| is_record_attr(a)) {
        errors.push(syn::Error::new_spanned(
            attr,
            format!(
                "`#[record(...)]` belongs on fields, not on the struct: the field keys are {}",
                list(FIELD_KEYS)
            ),
        ));
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
