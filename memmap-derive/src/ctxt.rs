//! The error collector every pipeline stage writes to, so that the user sees every problem
//! of a record at once. It imports no other stage: `ast`, `attr`, `repr` and `validate`
//! depend on it, and it on none of them.

/// Collects `syn::Error`s and combines them into one (`syn::Error::combine`), which becomes
/// one `compile_error!` per message, each at its own span.
#[derive(Default)]
pub struct Ctxt(Option<syn::Error>);

impl Ctxt {
    /// Adds one error.
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// `Err` with every error pushed, if any.
    #[must_use = "the collected errors are lost unless they are emitted"]
    pub fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
