//! IDENT as an external system (`docs/IDENT.md`): the partners, the query and answer transactions
//! (ANSI/NIST-ITL IQR and IQA through `crates/ansi_nist`), the JSON envelope that carries them
//! over HTTP, the client CRIS calls IDENT with, and the stand-ins (IDENT, Canada, Australia) the
//! tests and the demo start; the link this node holds (`link`: its part of the application state).
//!
//! No tables and no access checks: what is sent, stored and disclosed is decided by `cpms` and
//! `icts`, which call this module. It does not import them (they import it).

pub mod client;
pub mod link;
pub mod model;
pub mod standin;
pub mod wire;

pub use client::{Client, IdentError};
pub use model::{Answer, Document, Partner, Query};
pub use wire::{Envelope, Kind, Problem};

/// USCIS's agency identifier (1.008 ORI of what CRIS sends, 1.007 DAI of what it receives).
pub const USCIS_AGENCY: &str = "USDHSCIS00";
/// IDENT's agency identifier.
pub const IDENT_AGENCY: &str = "USDHSIDENT";
