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
//!    the compiler's own numbers; each must be 0 (a `const` whose evaluation fails otherwise). Fields themselves have no padding (1.), so every byte of `S` belongs to a field.
//!    For `repr(transparent)` the layout is that of its one non-zero-sized field, at offset 0.
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

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::DeriveInput;

use crate::ast::{Field, Record};

/// The full expansion for an accepted record.
pub fn record(record: &Record<'_>) -> TokenStream {
    let ident = record.ident;
    let vis = record.vis;
    let p = quote!(::typed_memmap::__private);
    let fields_struct = format_ident!("__TypedMemmapFieldsOf{}", ident);

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

            #[doc = #struct_doc]
            #[allow(non_camel_case_types, dead_code)]
            #vis struct #fields_struct<Root> {
                #(
                    #[doc = #handle_docs]
                    pub #handle_idents: #p::FieldHandle<Root, #handle_types>,
                )*
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
        };
    }
}

/// One check per gap: between each pair of consecutive fields, and after the last one. The
/// gap is computed with the compiler's `offset_of!` and `size_of`; a `const` evaluation fails
/// with a message naming the fields and the byte count unless it is 0. Every gap has its own
/// `const`, so all of them are reported. Every token of a check carries the span of the field
/// after the gap (or of the last field), where rustc then points.
fn gap_checks(record: &Record<'_>) -> TokenStream {
    let ident = record.ident;
    let record_name = ident.unraw().to_string();
    let tuple = record.fields.iter().any(|f| f.original.ident.is_none());
    let mut out = TokenStream::new();
    for (i, a) in record.fields.iter().enumerate() {
        let a_member = &a.member;
        let a_ty = a.ty;
        let a_name = message_name(a);
        let end_of_a = quote! {
            ::core::mem::offset_of!(#ident, #a_member) + ::core::mem::size_of::<#a_ty>()
        };
        out.extend(match record.fields.get(i + 1) {
            Some(b) => {
                let b_member = &b.member;
                let b_name = message_name(b);
                quote_spanned! {b.name_span()=>
                    const _: () = ::typed_memmap::__private::no_gap(
                        #record_name,
                        #a_name,
                        ::core::option::Option::Some(#b_name),
                        #tuple,
                        ::core::mem::offset_of!(#ident, #b_member).saturating_sub(#end_of_a),
                    );
                }
            }
            None => quote_spanned! {a.name_span()=>
                const _: () = ::typed_memmap::__private::no_gap(
                    #record_name,
                    #a_name,
                    ::core::option::Option::None,
                    #tuple,
                    ::core::mem::size_of::<#ident>().saturating_sub(#end_of_a),
                );
            },
        });
    }
    out
}

/// A field's name in messages: its Rust name, or its numpy name `f0` in a tuple struct.
fn message_name(field: &Field<'_>) -> String {
    match &field.original.ident {
        Some(_) => field.rust_name.clone(),
        None => field.handle.to_string(),
    }
}

/// What is emitted beside `compile_error!` when the record is refused: an `Element` impl, so
/// that uses of the type elsewhere do not add errors of their own. Generic types get none (an
/// impl would need bounds the user never wrote).
pub fn fallback(input: &DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let p = quote!(::typed_memmap::__private);
    quote! {
        // SAFETY: never part of a program: the `compile_error!` emitted beside this impl fails
        // the build (see `expand.rs`).
        #[automatically_derived]
        unsafe impl #p::Element for #ident {
            fn dtype() -> #p::Dtype {
                ::core::panic!("`#[derive(Record)]` refused this type")
            }
        }
    }
}
