//! The focus-group draw's question to the appointment book. Internal (the surveys service that
//! calls it has checked `surveys.manage`); it discloses an office's customers' addresses only to
//! that service, which stores none of them.

use super::store;
use crate::infopass::booking::SurveyContact;
use crate::kernel::db::{Db, DbError};

/// The most appointments one draw reads.
pub const POOL_LIMIT: i64 = 200_000;

/// The pool a focus group at `office` is drawn from (R-SV-05): its appointments with an email
/// address, each with the address, the language and the appointment's id.
pub async fn focus_group_pool(db: &Db, office: &str) -> Result<Vec<SurveyContact>, DbError> {
    store::with_email_at(db, office, POOL_LIMIT).await
}
