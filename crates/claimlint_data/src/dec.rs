//! The crosswalk's numbers use the model's exact decimal; see `model::value::Dec`.

pub use crate::model::value::Dec;
