//! Every rule, one file each, grouped by category.

pub(crate) mod helpers;
pub mod meta;
pub mod size;
pub(crate) mod syntax;

use crate::registry::Rule;

/// Every rule; the registry sorts them by code.
pub(crate) static RULES: &[&dyn Rule] = &[&meta::UnusedSuppression, &size::ApkAddWithoutNoCache];
