//! The integration tests: one binary (fast to build), every test on the engine named by
//! `CRIS_TEST_DATABASE` (`sqlite`, the default, or `postgres`), against the real router, the
//! real binary, and a real Chromium for the pages.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures fail loudly on a broken environment"
)]

mod access;
mod architecture;
mod browser;
mod case_events;
mod case_status;
mod change_of_address;
mod cli;
mod cpms;
mod focus_groups;
mod ident;
mod infopass;
mod limits;
mod lobby;
mod openapi;
mod pdf_read;
mod portfolio;
mod processing_times;
mod retention;
mod script_gateway;
mod seed;
mod service_requests;
mod shell;
mod smtp_sink;
mod staff;
mod storage;
mod support;
mod surveys;
mod tls;
mod usps;
mod webdriver;
