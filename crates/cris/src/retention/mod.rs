//! The retention engine (R-RT-01 to R-RT-04): the one place that knows, for every kind of record,
//! how long it lives and what survives it. Owners delete their own rows (a `purge_*_before` in
//! their service, inside the engine's transaction); the engine decides the cut-off, keeps held
//! records out, works in short batches, and writes a purge certificate that counts what went
//! without pointing at it. `cris retention plan|run`, the daily job in `serve` and the staff page
//! all come here.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
