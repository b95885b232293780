//! (Skeleton: filled in by the index and search issue.)

pub mod query;
