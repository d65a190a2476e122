//! The staff home: the signed-in person's work, not a list of links. Each capability's service
//! counts what waits for them (the lobby at their office, their service requests and those due,
//! open security alerts, script drafts awaiting review); a count the role has no part in is left
//! out, and a count that cannot be read is left out too, the failure logged, so that one
//! capability's trouble never keeps a member of staff from their home page. It asks several
//! capabilities, so it sits beside `app`, outside the web shell (which imports no capability).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::kernel::access::Capability;
use crate::kernel::error::ServiceError;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_nav::doors;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff", get(home))
}

/// What waits for a staff member.
#[derive(Debug, Default)]
pub struct Work {
    /// Their office's lobby today.
    pub lobby: Option<crate::lobby::workload::Workload>,
    /// Their service requests and those due.
    pub requests: Option<crate::service_requests::work::Workload>,
    /// Open security alerts within reach.
    pub security_alerts: Option<i64>,
    /// Script drafts waiting for an approver.
    pub drafts: Option<i64>,
}

impl Work {
    /// Whether the role has nothing counted here.
    pub fn is_empty(&self) -> bool {
        self.lobby.is_none() && self.requests.is_none() && self.security_alerts.is_none() && self.drafts.is_none()
    }
}

/// A count, or `None` (logged) when it could not be read.
fn kept<T>(what: &str, r: Result<T, ServiceError>) -> Option<T> {
    r.map_err(|e| tracing::warn!(error = %e, what, "staff home: a count was left out")).ok()
}

/// Counts what waits for the actor, asking each capability's service.
pub async fn work_of(state: &AppState, staff: &Staff) -> Work {
    let (db, catalog, actor) = (state.db(), state.catalog(), &staff.actor);
    let now = state.clock().now();
    let role = actor.role;
    let lobby = kept("lobby", crate::lobby::workload::workload(db, catalog, actor, now).await).flatten();
    let requests = if role.can(Capability::ServiceRequestsRead) {
        let today =
            catalog.office(&actor.place.office).map_or(now.date_naive(), |o| now.with_timezone(&o.tz).date_naive());
        kept("requests", crate::service_requests::work::workload(db, catalog, actor, now, today).await)
    } else {
        None
    };
    let security_alerts = if role.can(Capability::SecurityRead) {
        kept("alerts", crate::staff::service::alerts(db, catalog, actor, now).await)
            .map(|a| i64::try_from(a.iter().filter(|a| a.acknowledged_at.is_none()).count()).unwrap_or(i64::MAX))
    } else {
        None
    };
    let drafts = if role.can(Capability::ScriptsApprove) {
        let what = ("scripts.review", None);
        let queue = async {
            let allowed =
                crate::kernel::access::permit(db, catalog, actor, now, Capability::ScriptsApprove, what).await?;
            crate::script_gateway::service::queue(db, &allowed).await
        };
        kept("drafts", queue.await).map(|q| i64::try_from(q.len()).unwrap_or(i64::MAX))
    } else {
        None
    };
    Work { lobby, requests, security_alerts, drafts }
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    work: Work,
}

impl HomePage {
    /// The words of an appointment service.
    fn service_name(&self, s: &crate::infopass::calendar::Service) -> &'static str {
        s.name(crate::kernel::i18n::Lang::En)
    }

    /// Days before the due date a request counts as nearly due.
    fn days(&self) -> i64 {
        crate::service_requests::work::NEARLY_DUE_DAYS
    }

    /// Whether the member oversees every office (headquarters, global administrators).
    fn national(&self) -> bool {
        self.staff.as_ref().is_some_and(|s| s.actor.role.level() == crate::kernel::access::Level::Nation)
    }

    /// Whether the role may open a page (the menu's own test).
    fn opens(&self, door: crate::web::staff_nav::Door) -> bool {
        self.staff.as_ref().is_some_and(|s| door.opens(s.actor.role))
    }
}

async fn home(State(state): State<AppState>, staff: Staff) -> Response {
    let work = work_of(&state, &staff).await;
    staff.finish(render(StatusCode::OK, &HomePage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), work }))
}
