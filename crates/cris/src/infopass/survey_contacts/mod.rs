//! What the surveys capability may know of the appointment book to draw a focus group
//! (R-SV-05): a sub-room of `infopass` with its own store, asked through its service.

pub mod service;
pub mod store;
