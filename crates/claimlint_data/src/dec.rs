//! The crosswalk's numbers use the model's exact decimal; see `claimlint_model::Dec`.

pub use claimlint_model::Dec;
