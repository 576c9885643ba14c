//! Code generation only: the `unsafe impl Element`, the layout checks and the field handles.
//!
//! # Why the emitted `unsafe impl Element` is sound
//!
//! `Element` asks for four things of `S` (see its `# Safety` list). The derive emits the impl
//! only beside code that makes compilation fail unless each holds:
//!
//! 1. *Every bit pattern is valid, no pointers, no interior mutability.* A struct is valid for
//!    a bit pattern when each field is valid for its bytes and the padding may hold anything.
//!    Every field's type, padding fields included, is required to be an `Element` (a trait
//!    bound in the generated code), so each field has these properties, and a struct made of
//!    such fields has them too (it adds no pointer and no `UnsafeCell`).
//! 2. *No padding bytes.* The struct is `repr(C)` (with `packed(N)` or `align(N)`) or
//!    `repr(transparent)`: fields are laid out in declaration order (Reference, "Type layout",
//!    "The C representation"), the first at offset 0. For each pair of consecutive fields the
//!    generated code computes `offset_of!(S, b) - (offset_of!(S, a) + size_of::<A>())` and,
//!    after the last field, `size_of::<S>() - (offset_of!(S, last) + size_of::<Last>())`, with
//!    the compiler's own numbers; each must be 0. Each gap is the const argument `GAP` of a
//!    bound `(): NoGapBetween<.., GAP>` (`NoGapAtEnd` after the last field), required in the
//!    body of a generic function that nothing calls but that rustc type-checks like any other
//!    (see `gap_checks`). In `typed_memmap::__private` each of these traits has one impl, for
//!    `GAP = 0`, and a supertrait that likewise holds only for `GAP = 0` and that no other
//!    crate can name, so no other crate can add an impl for another value: the bound holds
//!    exactly when the gap is 0, and compilation fails otherwise. The subtractions saturate:
//!    in declaration order a field never starts before the end of the previous one, so
//!    saturation only matters for zero-sized fields of a `repr(transparent)` struct, which
//!    cover no byte. Fields themselves have no padding (1.),
//!    so every byte of `S` belongs to a field. For `repr(transparent)` the layout is that of
//!    its one non-zero-sized field, at offset 0, which the same checks confirm.
//! 3. *Size and dtype agree.* The dtype's itemsize is `size_of::<S>()` and its fields are at
//!    `offset_of!` offsets with the fields' own dtypes; padding fields are left out and numpy
//!    reads the uncovered bytes as `('', '|V<n>')` padding.
//! 4. *`Copy + 'static`* are supertraits, checked by the compiler; generic parameters (and so
//!    lifetimes) are refused before this code is generated.
//!
//! Zero-sized records are refused by a `const` assertion on `size_of::<S>()`.
//!
//! When the derive refuses a record it emits `compile_error!` and a fallback impl whose
//! `dtype` panics: compilation fails because of the `compile_error!`, so that impl is never
//! part of a program; it exists only to stop secondary "`S` is not an `Element`" errors.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

use crate::ast::{Field, Record};

/// The full expansion for an accepted record.
pub fn record(record: &Record<'_>) -> TokenStream {
    let ident = record.ident;
    let p = quote!(::typed_memmap::__private);

    let dtype_fields = record.fields.iter().filter_map(|f| {
        let name = f.numpy_name.as_ref()?;
        let member = &f.member;
        let ty = f.ty;
        let dtype = quote_spanned!(ty.span()=> <#ty as #p::Element>::dtype());
        Some(quote! {
            #p::Field {
                name: ::core::convert::From::from(#name),
                title: ::core::option::Option::None,
                offset: ::core::mem::offset_of!(#ident, #member),
                dtype: #dtype,
            }
        })
    });

    let padding_types = record
        .fields
        .iter()
        .filter(|f| f.numpy_name.is_none())
        .map(|f| {
            let ty = f.ty;
            quote_spanned!(ty.span()=> #p::element::<#ty>();)
        });

    let gaps = gap_checks(record);

    let size_msg =
        format!("`{ident}` is zero-sized and has no numpy dtype: give it a field of non-zero size");
    let size_check = quote_spanned! {ident.span()=>
        const _: () = ::core::assert!(::core::mem::size_of::<#ident>() != 0, #size_msg);
    };

    let handles = handles(record);

    quote! {
        const _: () = {
            #[allow(dead_code)]
            fn __typed_memmap_padding_fields_are_elements() {
                #(#padding_types)*
            }

            #gaps

            #size_check

            // SAFETY: the obligations of `Element` are proven by the checks above and by the
            // field bounds in `dtype`; the argument is written in `typed-memmap-derive`'s
            // `expand.rs`.
            #[automatically_derived]
            unsafe impl #p::Element for #ident {
                fn dtype() -> #p::Dtype {
                    #p::Dtype::Record(#p::RecordDtype {
                        fields: ::core::convert::From::from([#(#dtype_fields),*]),
                        itemsize: ::core::mem::size_of::<#ident>(),
                    })
                }
            }

            #handles
        };
    }
}

/// The typed field handles: a struct of `FieldHandle`s, `impl Record` and `S::fields()`.
/// Items only, to be placed in the caller's `const _` block.
fn handles(record: &Record<'_>) -> TokenStream {
    let ident = record.ident;
    let vis = record.vis;
    let p = quote!(::typed_memmap::__private);
    let fields_struct = format_ident!("__TypedMemmapFieldsOf{}", ident);
    let named: Vec<&Field<'_>> = record
        .fields
        .iter()
        .filter(|f| f.numpy_name.is_some())
        .collect();
    let handle_idents: Vec<_> = named.iter().map(|f| &f.handle).collect();
    let handle_types: Vec<_> = named.iter().map(|f| f.ty).collect();
    let handle_members: Vec<_> = named.iter().map(|f| &f.member).collect();
    let handle_docs: Vec<_> = named
        .iter()
        .map(|f| format!("The field `{}` of `{ident}`.", f.rust_name))
        .collect();
    let struct_doc = format!("Typed handles of the fields of `{ident}`, from `{ident}::fields()`.");
    quote! {
        #[doc = #struct_doc]
        // The handles keep the fields' names, and the user's `allow`s on the record do not
        // reach this struct.
        #[allow(non_camel_case_types, non_snake_case, dead_code)]
        #vis struct #fields_struct<Root> {
            #(
                #[doc = #handle_docs]
                pub #handle_idents: #p::FieldHandle<Root, #handle_types>,
            )*
            // Uses `Root` when the record has no named field (only in refused records).
            __typed_memmap_root: ::core::marker::PhantomData<fn() -> Root>,
        }

        // Written out because `derive(Clone, Copy)` would ask `Root: Copy`.
        #[automatically_derived]
        impl<Root> ::core::clone::Clone for #fields_struct<Root> {
            fn clone(&self) -> Self {
                *self
            }
        }

        #[automatically_derived]
        impl<Root> ::core::marker::Copy for #fields_struct<Root> {}

        #[automatically_derived]
        impl #p::Record for #ident {
            type Fields<Root> = #fields_struct<Root>;

            fn fields_in<Root>(parent: #p::FieldHandle<Root, Self>) -> #fields_struct<Root> {
                #fields_struct {
                    __typed_memmap_root: ::core::marker::PhantomData,
                    #(
                        // SAFETY: `offset_of!` gives the offset of a field of type
                        // `#handle_types` inside `Self`, so the field's bytes lie within
                        // `size_of::<Self>()`.
                        #handle_idents: unsafe {
                            parent.project::<#handle_types>(
                                ::core::mem::offset_of!(#ident, #handle_members),
                            )
                        },
                    )*
                }
            }
        }

        #[automatically_derived]
        impl #ident {
            /// Typed handles of this record's fields, for `column(...)` views: each knows
            /// the field's type and byte offset.
            #[allow(dead_code)]
            #vis fn fields() -> #fields_struct<#ident> {
                <#ident as #p::Record>::fields_in(#p::FieldHandle::<#ident, #ident>::whole())
            }
        }
    }
}

/// One check per gap: between each pair of consecutive fields, and after the last one.
///
/// Each check computes the gap with the compiler's `offset_of!` and `size_of` into a `const`,
/// then requires `(): NoGapBetween<Record, Before, After, { GAP }>` (`NoGapAtEnd<..>` after
/// the last field; the `...Tuple` twins in a tuple struct, for their advice) inside a generic
/// function that is never called but is type-checked like any other. The traits live in
/// `typed_memmap::__private`, sealed and implemented only for a gap of 0; their
/// `#[diagnostic::on_unimplemented]` messages carry `{GAP}`, which rustc replaces by the byte
/// count, and `{Record}`, `{Before}`, `{After}`, which it replaces by the function's type
/// parameters, named after the record and the two fields so that they print as exactly those
/// names. (The messages cannot be generated per gap: a `#[diagnostic::...]` attribute in the
/// user's module does not resolve under `#![no_implicit_prelude]`.) Every gap has its own
/// `const _` block and so its own error. The bound's self type `()` carries the span of the
/// field after the gap (or of the last field), where rustc points.
fn gap_checks(record: &Record<'_>) -> TokenStream {
    let ident = record.ident;
    let tuple = record.fields.iter().any(|f| f.original.ident.is_none());
    let sized = quote!(?::core::marker::Sized);
    let mut out = TokenStream::new();
    for (i, a) in record.fields.iter().enumerate() {
        let a_member = &a.member;
        let a_ty = a.ty;
        let end_of_a = quote! {
            ::core::mem::offset_of!(#ident, #a_member) + ::core::mem::size_of::<#a_ty>()
        };
        let before = param_ident(a);
        let next = record.fields.get(i + 1);
        let (span, gap, check, after) = match next {
            Some(b) => (
                b.name_span(),
                {
                    let b_member = &b.member;
                    quote!(::core::mem::offset_of!(#ident, #b_member).saturating_sub(#end_of_a))
                },
                if tuple {
                    quote!(NoGapBetweenTuple)
                } else {
                    quote!(NoGapBetween)
                },
                Some(param_ident(b)),
            ),
            None => (
                a.name_span(),
                quote!(::core::mem::size_of::<#ident>().saturating_sub(#end_of_a)),
                if tuple {
                    quote!(NoGapAtEndTuple)
                } else {
                    quote!(NoGapAtEnd)
                },
                None,
            ),
        };
        // The record as a parameter too, so it prints as its name; a record named like one
        // of the two fields (the parameters would clash) is named by a type alias instead,
        // which prints as its path.
        let record_param = ident.unraw() != before.unraw()
            && after.as_ref().is_none_or(|b| ident.unraw() != b.unraw());
        let (record_ty, record_generic) = if record_param {
            let mut p = ident.clone();
            p.set_span(Span::call_site());
            (quote!(#p), quote!(#p: #sized,))
        } else {
            (quote!(__TypedMemmapRecord), TokenStream::new())
        };
        let (after_ty, after_generic) = match &after {
            Some(b) => (quote!(#b), quote!(#b: #sized,)),
            None => (quote!(()), TokenStream::new()),
        };
        let self_ty = quote_spanned!(span=> ());
        out.extend(quote! {
            const _: () = {
                #[allow(dead_code)]
                type __TypedMemmapRecord = #ident;
                const __TYPED_MEMMAP_GAP: usize = #gap;
                // The parameters take the fields' names: lowercase, and `u32` for a field
                // called `u32`.
                #[allow(dead_code, non_camel_case_types, clippy::builtin_type_shadow)]
                fn __typed_memmap_no_gap<#record_generic #before: #sized, #after_generic>() {
                    let _ = <#self_ty as ::typed_memmap::__private::#check<
                        #record_ty,
                        #before,
                        #after_ty,
                        { __TYPED_MEMMAP_GAP },
                    >>::OK;
                }
            };
        });
    }
    out
}

/// A type parameter named like the field, so that a message prints the field's name: the Rust
/// name of a named field (raw if it is written raw), `f0`, `f1`, ... in a tuple struct.
fn param_ident(field: &Field<'_>) -> Ident {
    let mut ident = match &field.original.ident {
        Some(i) => i.clone(),
        None => field.handle.clone(),
    };
    ident.set_span(Span::call_site());
    ident
}

/// What is emitted beside `compile_error!` when the record is refused: an `Element` impl and
/// the field handles, so that uses of the type elsewhere do not add errors of their own.
/// Generic types get none (an impl would need bounds the user never wrote), enums and unions
/// no handles.
pub fn fallback(input: &DeriveInput, record: &Record<'_>) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let p = quote!(::typed_memmap::__private);
    let handles = match input.data {
        syn::Data::Struct(_) => handles(record),
        _ => TokenStream::new(),
    };
    quote! {
        const _: () = {
            // SAFETY: never part of a program: the `compile_error!` emitted beside this impl
            // fails the build (see `expand.rs`).
            #[automatically_derived]
            unsafe impl #p::Element for #ident {
                fn dtype() -> #p::Dtype {
                    ::core::panic!("`#[derive(Record)]` refused this type")
                }
            }

            #handles
        };
    }
}
