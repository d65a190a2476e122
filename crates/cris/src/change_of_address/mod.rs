//! Change of address (AR-11, R-CA-01, R-CA-02): a non-citizen who moves tells USCIS online, in
//! English or Spanish, with their name, A-Number, date of birth, previous and new address and the
//! receipt numbers of their pending cases. One transaction records the change, moves those
//! cases to the new address keeping the earlier ones as history, and queues the confirmation.

pub mod model;
pub mod routes;
pub mod store;
