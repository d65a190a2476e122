//! CRIS: the Customer Relationship Interface System.
//!
//! The kernel holds what every capability shares (identifiers, errors, clock, database, i18n);
//! the web shell serves pages and APIs; each capability described by the source documents gets
//! a module of its own, named after it, holding its model, storage, service and routes.

pub mod api_clients;
pub mod app;
pub mod case_status;
pub mod change_of_address;
pub mod config;
pub mod cpms;
pub mod icts;
pub mod ident;
pub mod infopass;
pub mod kernel;
pub mod lobby;
pub mod notify;
pub mod offices;
pub mod openapi;
pub mod portfolio;
pub mod processing_times;
pub mod reference;
pub mod reports;
pub mod retention;
pub mod script_gateway;
pub mod seed;
pub mod service_requests;
pub mod staff;
pub mod staff_home;
pub mod surveys;
pub mod usps;
pub mod web;
