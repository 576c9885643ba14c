//! The parsed record: each node keeps the syn node it came from, for spans.

use proc_macro2::Span;
use quote::format_ident;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, Member, Type, Visibility};

use crate::attr::{self, FieldAttrs};
use crate::ctxt::Ctxt;
use crate::repr::{self, Repr};

/// A struct that `#[derive(Record)]` accepts, parsed.
pub struct Record<'a> {
    /// The struct's name.
    pub ident: &'a Ident,
    /// The struct's visibility, given to the generated `fields()`.
    pub vis: &'a Visibility,
    /// Its layout; `None` when the `#[repr]` was refused (an error is recorded).
    pub repr: Option<Repr>,
    /// The fields, in declaration order (which `repr(C)` keeps in memory).
    pub fields: Vec<Field<'a>>,
}

/// One field of a record.
pub struct Field<'a> {
    /// The field as written.
    pub original: &'a syn::Field,
    /// How to name it in `offset_of!` and in a field access: `price` or `0`.
    pub member: Member,
    /// The identifier of its handle in the generated field struct (`price`, `f0`).
    pub handle: Ident,
    /// Its type.
    pub ty: &'a Type,
    /// The Rust name for messages, raw prefix removed: `price`, `0`.
    pub rust_name: String,
    /// The numpy field name, `None` for a padding field.
    pub numpy_name: Option<String>,
    /// Its `#[record(...)]` keys.
    pub attrs: FieldAttrs,
}

impl Field<'_> {
    /// The span of the field's name, or of its type in a tuple struct.
    pub fn name_span(&self) -> Span {
        match &self.original.ident {
            Some(i) => i.span(),
            None => syn::spanned::Spanned::span(self.ty),
        }
    }
}

/// Parses the derive input, recording every syntactic problem in `errors`.
pub fn parse<'a>(input: &'a DeriveInput, errors: &mut Ctxt) -> Record<'a> {
    let fields = match &input.data {
        Data::Struct(s) => Some(&s.fields),
        Data::Enum(e) => {
            errors.push(syn::Error::new(
                e.enum_token.span,
                "`#[derive(Record)]` works on structs only: an enum's tag has invalid bit \
                 patterns; store the tag as an integer field (`u8`, `u32`) and convert it on \
                 access",
            ));
            None
        }
        Data::Union(u) => {
            errors.push(syn::Error::new(
                u.union_token.span,
                "`#[derive(Record)]` works on structs only: a union has no numpy dtype; use a \
                 struct with `#[repr(C)]`, or a byte array field such as `[u8; N]`",
            ));
            None
        }
    };

    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.generics,
            "`#[derive(Record)]` does not support generic parameters: a record's layout and \
             dtype must be fixed; write a concrete struct for each element type",
        ));
    }

    attr::container(&input.attrs, errors);
    // The repr of an enum or a union says nothing more once the item itself is refused.
    let repr = match fields {
        Some(_) => repr::parse(&input.attrs, errors),
        None => None,
    };

    let (tuple, syn_fields) = match fields {
        Some(Fields::Named(named)) => (false, named.named.iter().collect::<Vec<_>>()),
        Some(Fields::Unnamed(unnamed)) => (true, unnamed.unnamed.iter().collect::<Vec<_>>()),
        Some(Fields::Unit) => {
            errors.push(syn::Error::new_spanned(
                &input.ident,
                "a unit struct is zero-sized and has no numpy dtype: give the record at least \
                 one field",
            ));
            (false, Vec::new())
        }
        None => (false, Vec::new()),
    };
    if fields.is_some_and(|f| !matches!(f, Fields::Unit)) && syn_fields.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.ident,
            "a record without fields is zero-sized and has no numpy dtype: give it at least one \
             field",
        ));
    }

    let mut out_fields = Vec::with_capacity(syn_fields.len());
    for (index, f) in syn_fields.into_iter().enumerate() {
        let attrs = attr::field(&f.attrs, errors);
        let (member, handle, rust_name) = match &f.ident {
            Some(ident) => {
                let name = ident.unraw().to_string();
                (Member::Named(ident.clone()), ident.clone(), name)
            }
            None => (
                Member::Unnamed(syn::Index {
                    index: index as u32,
                    span: Span::call_site(),
                }),
                format_ident!("f{}", index),
                index.to_string(),
            ),
        };
        let padding = !tuple && rust_name.starts_with('_');
        let numpy_name = match (&attrs.rename, padding) {
            (Some(lit), true) => {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "`{rust_name}` is a padding field (its name starts with `_`), so it has \
                         no numpy name: remove `rename`, or remove the leading `_` to make it \
                         a named field"
                    ),
                ));
                None
            }
            (Some(lit), false) => Some(lit.value()),
            (None, true) => None,
            (None, false) if tuple => Some(format!("f{index}")),
            (None, false) => Some(rust_name.clone()),
        };
        out_fields.push(Field {
            original: f,
            member,
            handle,
            ty: &f.ty,
            rust_name,
            numpy_name,
            attrs,
        });
    }

    Record {
        ident: &input.ident,
        vis: &input.vis,
        repr,
        fields: out_fields,
    }
}
