//! The staff workspace's doors: every staff page a menu leads to, the job it belongs to (front
//! desk, lobby, service requests, call centre, headquarters, administration) and the gate that
//! opens it. The gate is the capability the page's own check asks for: the pages that check in
//! their handler name their door's gate (`permit_page(…, doors::LOBBY_DESK.gate, …)`), and a
//! test walks every role through every door, so the menu shows a page exactly when it opens.

use crate::kernel::access::{Capability, Role};

/// The jobs the staff menu groups its pages by, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Check-in, kiosks, survey opt-outs at the counter.
    FrontDesk,
    /// The queue, the officer's console, the dashboard, reports and surveys of visits, the
    /// office's rules and calendar.
    Lobby,
    /// The Service Request Management Tool.
    ServiceRequests,
    /// The call-centre scripts.
    CallCentre,
    /// Processing times and script approval.
    Headquarters,
    /// Accounts, security, audit, machine clients, representatives.
    Administration,
    /// International biometric sharing: case records, disclosures, agreements (issue 20).
    Sharing,
}

impl Job {
    /// Every job, in menu order.
    pub const ALL: [Job; 7] = [
        Job::FrontDesk,
        Job::Lobby,
        Job::ServiceRequests,
        Job::CallCentre,
        Job::Headquarters,
        Job::Administration,
        Job::Sharing,
    ];

    /// Its name in the staff catalogue (`staff-job-…`).
    pub fn key(self) -> &'static str {
        match self {
            Job::FrontDesk => "staff-job-front-desk",
            Job::Lobby => "staff-job-lobby",
            Job::ServiceRequests => "staff-job-service-requests",
            Job::CallCentre => "staff-job-call-centre",
            Job::Headquarters => "staff-job-headquarters",
            Job::Administration => "staff-job-administration",
            Job::Sharing => "staff-job-sharing",
        }
    }

    /// The id of its menu (for the accordion's `aria-controls`).
    pub fn id(self) -> &'static str {
        match self {
            Job::FrontDesk => "nav-front-desk",
            Job::Lobby => "nav-lobby",
            Job::ServiceRequests => "nav-service-requests",
            Job::CallCentre => "nav-call-centre",
            Job::Headquarters => "nav-headquarters",
            Job::Administration => "nav-administration",
            Job::Sharing => "nav-sharing",
        }
    }
}

/// A staff page the menu leads to.
#[derive(Debug, Clone, Copy)]
pub struct Door {
    /// Where.
    pub href: &'static str,
    /// The catalogue message of its label.
    pub key: &'static str,
    /// The job it belongs to.
    pub job: Job,
    /// The capability that opens it: the one its handler checks.
    pub gate: Capability,
    /// Other capabilities that open it too (a list page that one role reads and another
    /// records into).
    pub also: &'static [Capability],
}

impl Door {
    /// Whether a role may open the page.
    pub fn opens(&self, role: Role) -> bool {
        role.can(self.gate) || self.also.iter().any(|c| role.can(*c))
    }
}

macro_rules! doors {
    ($($name:ident = $href:literal, $key:literal, $job:ident, [$gate:ident $(, $also:ident)*];)+) => {
        $(
            #[doc = concat!("`", $href, "`.")]
            pub const $name: Door = Door {
                href: $href,
                key: $key,
                job: Job::$job,
                gate: Capability::$gate,
                also: &[$(Capability::$also),*],
            };
        )+
        /// Every door, in menu order within each job.
        pub const ALL: &[Door] = &[$($name),+];
    };
}

/// The doors, one constant each, for the handlers that check them.
pub mod doors {
    use super::{Capability, Door, Job};

    doors! {
        LOBBY_DESK = "/staff/lobby", "staff-nav-front-desk", FrontDesk, [CheckIn];
        KIOSK = "/staff/kiosk", "staff-nav-kiosk", FrontDesk, [CheckIn];
        SURVEY_OPT_OUT = "/staff/surveys/opt-out", "staff-nav-survey-opt-out", FrontDesk, [CheckIn];
        CONSOLE = "/staff/lobby/console", "staff-nav-console", Lobby, [QueueCall];
        DASHBOARD = "/staff/lobby/dashboard", "staff-nav-dashboard", Lobby, [LobbyMonitor];
        REPORTS = "/staff/reports", "staff-nav-reports", Lobby, [ReportsRead];
        SURVEYS = "/staff/surveys", "staff-nav-surveys", Lobby, [SurveysManage, ReportsRead];
        LOBBY_RULES = "/staff/lobby/rules", "staff-nav-lobby-rules", Lobby, [OfficesManage];
        CALENDAR = "/staff/offices/calendar", "staff-nav-calendar", Lobby, [OfficesManage];
        SERVICE_REQUESTS = "/staff/service-requests", "staff-nav-service-requests", ServiceRequests, [ServiceRequestsRead, ServiceRequestsCreate];
        RECORD_REQUEST = "/staff/service-requests/new", "staff-nav-record-request", ServiceRequests, [ServiceRequestsCreate];
        SCRIPTS = "/staff/scripts", "staff-nav-scripts", CallCentre, [ScriptsRead];
        PROCESSING_TIMES = "/staff/processing-times", "staff-nav-processing-times", Headquarters, [ProcessingTimesPublish];
        SCRIPT_REVIEW = "/staff/scripts/review", "staff-nav-script-review", Headquarters, [ScriptsApprove];
        FOCUS_GROUPS = "/staff/focus-groups", "staff-nav-focus-groups", Headquarters, [SurveysManage];
        RETENTION = "/staff/retention", "staff-nav-retention", Headquarters, [RetentionRead];
        USERS = "/staff/admin/users", "staff-nav-users", Administration, [UsersRead];
        ALERTS = "/staff/admin/alerts", "staff-nav-alerts", Administration, [SecurityRead];
        AUTOLOCK = "/staff/admin/autolock", "staff-nav-autolock", Administration, [SecurityRead];
        AUDIT = "/staff/admin/audit", "staff-nav-audit", Administration, [AuditRead];
        CLIENTS = "/staff/admin/clients", "staff-nav-clients", Administration, [ApiClientsManage];
        REPRESENTATIVES = "/staff/representatives", "staff-nav-representatives", Administration, [RepresentativesManage];
        SHARING_CASES = "/staff/sharing/cases", "staff-nav-sharing-cases", Sharing, [SharingCases];
        DISCLOSURES = "/staff/sharing/disclosures", "staff-nav-disclosures", Sharing, [SharingDisclosures];
        AGREEMENTS = "/staff/sharing/agreements", "staff-nav-agreements", Sharing, [SharingDisclosures, SharingAgreements];
        ICTS = "/staff/icts", "staff-nav-icts", Sharing, [SharingRespond];
    }
}

/// A link of the staff menu.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// The catalogue message of its label.
    pub key: &'static str,
}

/// A job's menu: its name and the pages of it the role may open.
#[derive(Debug, Clone)]
pub struct NavGroup {
    /// The job.
    pub job: Job,
    /// Its pages.
    pub items: Vec<NavItem>,
}

impl NavItem {
    /// Whether the page at `path` is this link's (its own page, or one under it that no other
    /// link of the menu claims, such as a request under the list).
    pub fn current(&self, path: &str) -> bool {
        let under = |href: &str| path.strip_prefix(href).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        under(self.href) && !doors::ALL.iter().any(|d| d.href.len() > self.href.len() && under(d.href))
    }
}

impl NavGroup {
    /// Whether one of its links is the page at `path`.
    pub fn current(&self, path: &str) -> bool {
        self.items.iter().any(|i| i.current(path))
    }
}

/// The staff menu of a role: each job with at least one page the role may open.
pub fn nav_for(role: Role) -> Vec<NavGroup> {
    Job::ALL
        .into_iter()
        .filter_map(|job| {
            let items: Vec<NavItem> = doors::ALL
                .iter()
                .filter(|d| d.job == job && d.opens(role))
                .map(|d| NavItem { href: d.href, key: d.key })
                .collect();
            (!items.is_empty()).then_some(NavGroup { job, items })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-AU-01: the menu shows only what the role holds; every role that works at all has one.
    #[test]
    fn each_role_sees_only_the_jobs_it_holds() {
        let jobs = |r: Role| nav_for(r).into_iter().map(|g| g.job).collect::<Vec<_>>();
        assert_eq!(jobs(Role::Reception), [Job::FrontDesk]);
        assert_eq!(jobs(Role::Tier1), [Job::ServiceRequests, Job::CallCentre]);
        assert_eq!(jobs(Role::Iso), [Job::Lobby]);
        assert!(jobs(Role::GlobalAdmin).contains(&Job::Administration));
        assert!(!jobs(Role::Headquarters).contains(&Job::Administration));
        let hrefs: Vec<_> = doors::ALL.iter().map(|d| d.href).collect();
        let mut unique = hrefs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), hrefs.len(), "each page has one door");
    }
}
