//! `#[repr(...)]` parsed into a [`Repr`] that can only hold a layout the derive accepts.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Attribute, LitInt};

use crate::ctxt::Ctxt;

/// The layout of an accepted record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    /// `#[repr(C)]`, optionally with one modifier.
    C(Modifier),
    /// `#[repr(transparent)]`: the layout of the one non-zero-sized field.
    Transparent,
}

/// What accompanies `C`: `packed` and `align` together are refused by rustc (E0587), so one
/// variant holds at most one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// Plain `repr(C)`: fields at their natural alignment.
    None,
    /// `packed` (`Packed(1)`) or `packed(N)`: field alignment capped at `N`.
    Packed(u64),
    /// `align(N)`: the struct's alignment raised to `N`, which can add tail padding.
    Align(u64),
}

const INT_REPRS: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

/// Reads every `#[repr]` (raw identifiers included: `#[r#repr(C)]` is a repr to rustc) and
/// returns the layout, or records why there is none.
pub fn parse(attrs: &[Attribute], errors: &mut Ctxt) -> Option<Repr> {
    let mut c = None::<Span>;
    let mut transparent = None::<Span>;
    let mut packed = None::<(Span, u64)>;
    let mut align = None::<(Span, u64)>;
    let mut ok = true;

    for attr in attrs {
        let is_repr = attr.path().get_ident().is_some_and(|i| i.unraw() == "repr");
        if !is_repr {
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let Some(ident) = meta.path.get_ident().map(IdentExt::unraw) else {
                return Err(meta.error("unknown `repr` hint"));
            };
            let span = ident.span();
            let name = ident.to_string();
            match name.as_str() {
                "C" => c = Some(span),
                "transparent" => transparent = Some(span),
                "packed" => {
                    let n = if meta.input.peek(syn::token::Paren) {
                        let content;
                        syn::parenthesized!(content in meta.input);
                        content.parse::<LitInt>()?.base10_parse::<u64>()?
                    } else {
                        1
                    };
                    packed = Some((span, n));
                }
                "align" => {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let n = content.parse::<LitInt>()?.base10_parse::<u64>()?;
                    align = Some((span, n));
                }
                "Rust" => {
                    ok = false;
                    errors.push(syn::Error::new(
                        span,
                        "`#[derive(Record)]` needs a defined layout, and `repr(Rust)` lets the \
                         compiler reorder fields: use `#[repr(C)]`",
                    ));
                }
                n if INT_REPRS.contains(&n) => {
                    ok = false;
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "`repr({n})` is an enum representation; a record needs \
                             `#[repr(C)]` (or `#[repr(C, packed)]`)"
                        ),
                    ));
                }
                _ => {
                    ok = false;
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "`repr({name})` is not supported by `#[derive(Record)]`: use \
                             `#[repr(C)]`, `#[repr(C, packed)]`, `#[repr(C, align(N))]` or \
                             `#[repr(transparent)]`"
                        ),
                    ));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            ok = false;
            errors.push(e);
        }
    }

    if let Some(_t) = transparent {
        // rustc refuses `transparent` beside any other hint (E0692), so nothing to add.
        return ok.then_some(Repr::Transparent);
    }
    if c.is_none() {
        if let Some((span, _)) = packed {
            errors.push(syn::Error::new(
                span,
                "`repr(packed)` without `C` leaves the field order to the compiler: write \
                 `#[repr(C, packed)]`",
            ));
        } else if let Some((span, _)) = align {
            errors.push(syn::Error::new(
                span,
                "`repr(align(N))` without `C` leaves the field order to the compiler: write \
                 `#[repr(C, align(N))]`",
            ));
        } else if ok {
            errors.push(syn::Error::new(
                Span::call_site(),
                "`#[derive(Record)]` needs `#[repr(C)]` on the struct, so that fields stay in \
                 declaration order at fixed offsets: add `#[repr(C)]` (or `#[repr(C, packed)]` \
                 for numpy's packed layout)",
            ));
        }
        return None;
    }
    let modifier = match (packed, align) {
        (Some(_), Some((span, _))) => {
            errors.push(syn::Error::new(
                span,
                "`packed` and `align(N)` cannot be combined: keep one of them",
            ));
            return None;
        }
        (Some((_, n)), None) => Modifier::Packed(n),
        (None, Some((_, n))) => Modifier::Align(n),
        (None, None) => Modifier::None,
    };
    ok.then_some(Repr::C(modifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr_of(src: &str) -> Result<Repr, String> {
        let input: syn::DeriveInput =
            syn::parse_str(&format!("{src} struct S {{ a: u8 }}")).expect("test input parses");
        let mut errors = Ctxt::default();
        let repr = parse(&input.attrs, &mut errors);
        match errors.finish() {
            Err(e) => Err(e.to_string()),
            Ok(()) => Ok(repr.expect("no error means a repr")),
        }
    }

    #[test]
    fn table() {
        use Modifier::*;
        let ok: &[(&str, Repr)] = &[
            ("#[repr(C)]", Repr::C(None)),
            ("#[r#repr(C)]", Repr::C(None)),
            ("#[repr(r#C)]", Repr::C(None)),
            ("#[repr(C, packed)]", Repr::C(Packed(1))),
            ("#[repr(packed, C)]", Repr::C(Packed(1))),
            ("#[repr(C)] #[repr(packed)]", Repr::C(Packed(1))),
            ("#[repr(C, packed(2))]", Repr::C(Packed(2))),
            ("#[repr(C, align(16))]", Repr::C(Align(16))),
            ("#[repr(transparent)]", Repr::Transparent),
            ("#[derive(Clone)] #[repr(C)]", Repr::C(None)),
        ];
        for (src, want) in ok {
            assert_eq!(repr_of(src).as_ref(), Ok(want), "{src}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "needs `#[repr(C)]`"),
            ("#[repr(Rust)]", "repr(Rust)"),
            ("#[repr(packed)]", "without `C`"),
            ("#[repr(align(8))]", "without `C`"),
            ("#[repr(u8)]", "enum representation"),
            ("#[repr(C, i32)]", "enum representation"),
            ("#[repr(C, packed, align(4))]", "cannot be combined"),
            ("#[repr(simd)]", "not supported"),
        ];
        for (src, want) in bad {
            let err = repr_of(src).expect_err(src);
            assert!(err.contains(want), "{src}: {err}");
        }
    }
}
