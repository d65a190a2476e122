//! Lobby pages: the front desk (check-in by barcode or confirmation number, search of the day's
//! appointments, walk-ins), the ticket on an 80 mm receipt, the officer's console, and the lobby
//! display with its live events.

use std::convert::Infallible;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::queue::{self, Arrival, LobbyError, Status, Step, Ticket};
use super::service::{self, Holder, announce, rules_of};
use crate::infopass::calendar::Service;
use crate::kernel::access::Capability;
use crate::kernel::error::ServiceError;
use crate::kernel::ids::{ANumber, Confirmation};
use crate::reference::Office;
use crate::web::AppState;
use crate::web::fields::Fields;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::{field_office_asked, permit_page, staff_error};

crate::web::staff_ctx::carries_csrf!(CallForm, CheckInForm, NoteForm, WalkInForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/lobby", get(desk))
        .route("/staff/lobby/check-in", post(check_in))
        .route("/staff/lobby/walk-in", post(walk_in))
        .route("/staff/lobby/tickets/{id}", get(ticket_page))
        .route("/staff/lobby/console", get(console))
        .route("/staff/lobby/call", post(call))
        .route("/staff/lobby/tickets/{id}/step", post(step))
        .route("/staff/lobby/tickets/{id}/notes", post(note))
        .route("/lobby/{office}", get(display))
        .route("/lobby/{office}/events", get(events))
}

fn office_of<'a>(state: &'a AppState, staff: &Staff) -> Option<&'a Office> {
    field_office_asked(state, staff, "")
}

/// A counter's name as typed: letters and digits, at most 10; counter 1 when none is given.
pub(super) fn counter_of(typed: &str) -> String {
    let counter: String = typed.chars().filter(char::is_ascii_alphanumeric).take(10).collect();
    if counter.is_empty() { "1".to_owned() } else { counter }
}

/// A form value the desk or console must correct.
pub(super) fn refuse(staff: &Staff, field: &'static str, reason: &str) -> Response {
    staff_error(staff, &ServiceError::Invalid(crate::kernel::error::InvalidInput::new(field, reason)))
}

pub(super) fn lobby_error(staff: &Staff, e: LobbyError) -> Response {
    match e {
        LobbyError::Staff(e) => staff_error(staff, &e),
        LobbyError::Db(e) => staff_error(staff, &ServiceError::Internal(e.to_string())),
        LobbyError::AlreadyIn(label) => staff_error(
            staff,
            &ServiceError::Invalid(crate::kernel::error::InvalidInput::new(
                "confirmation_number",
                staff.ctx.t1("staff-lobby-already-in", "ticket", &label),
            )),
        ),
        LobbyError::NoTicket => staff_error(staff, &ServiceError::NotFound),
        LobbyError::OtherDay(day) => staff_error(
            staff,
            &ServiceError::Invalid(crate::kernel::error::InvalidInput::new(
                "confirmation_number",
                staff.ctx.t1("staff-desk-other-day", "day", &day.format("%A, %B %-d, %Y").to_string()),
            )),
        ),
    }
}

// ---------------------------------------------------------------- front desk

#[derive(Template)]
#[template(path = "staff/lobby_desk.html")]
struct DeskPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    office: String,
    services: Vec<(&'static str, &'static str)>,
    found: Option<Vec<(String, String, String, String)>>,
    search: Search,
    refused: Option<Refused>,
    waiting: i64,
    arriving: Option<Arriving>,
}

impl DeskPage {
    /// What was typed in the field whose element id is `id`, when its form came back.
    fn typed(&self, id: &str) -> &str {
        self.refused.as_ref().and_then(|r| r.typed.iter().find(|(f, _)| *f == id)).map_or("", |(_, v)| v.as_str())
    }

    /// The party's size as typed in the field `id`, or 1.
    fn party(&self, id: &str) -> &str {
        match self.typed(id) {
            "" => "1",
            typed => typed,
        }
    }

    /// The message of the field whose element id is `id`.
    fn error(&self, id: &str) -> Option<&str> {
        self.refused.as_ref().filter(|r| r.field == id).map(|r| r.message.as_str())
    }
}

/// A desk form that came back (issue 17, point 11): the field at fault (its element id), the
/// message shown beside it and in the summary, and every field as typed, by element id.
struct Refused {
    field: &'static str,
    message: String,
    typed: Vec<(&'static str, String)>,
}

impl Refused {
    /// The check-in form, refused at its confirmation number.
    fn check_in(message: String, confirmation: &str, party: &str) -> Refused {
        Refused {
            field: "confirmation",
            message,
            typed: vec![("confirmation", confirmation.to_owned()), ("party", party.to_owned())],
        }
    }

    /// The walk-in form, refused at `field`.
    fn walk_in(field: &'static str, message: String, f: &WalkInForm) -> Refused {
        let typed = vec![
            ("service", f.service.clone()),
            ("a_number", f.a_number.clone()),
            ("zip", f.zip.clone()),
            ("walk-in-party", f.party.clone()),
        ];
        Refused { field, message, typed }
    }
}

/// The customer a scan or a typed number found, shown before the ticket is issued so the desk
/// can compare them with their photo identity document (R-QM-01).
struct Arriving {
    confirmation: String,
    name: String,
    birth_date: String,
    service: &'static str,
    service_code: &'static str,
    time: String,
    /// The appointment's day, written out, when it is not today: no ticket as an appointment,
    /// a walk-in ticket offered instead.
    other_day: Option<String>,
    a_number: String,
    zip: String,
    party: i32,
}

#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    birth_date: String,
}

/// The front desk (R-QM-01, R-QM-02): the confirmation-number field takes a scanner's input,
/// the search finds the day's appointments by name and date of birth, and anyone else is a
/// walk-in.
async fn desk(State(state): State<AppState>, staff: Staff, Query(search): Query<Search>) -> Response {
    desk_view(&state, &staff, search, None).await
}

async fn desk_view(state: &AppState, staff: &Staff, search: Search, refused: Option<Refused>) -> Response {
    desk_page(state, staff, search, refused, None).await
}

async fn desk_page(
    state: &AppState,
    staff: &Staff,
    search: Search,
    refused: Option<Refused>,
    arriving: Option<Arriving>,
) -> Response {
    let Some(office) = office_of(state, staff) else {
        return staff_error(staff, &ServiceError::NotFound);
    };
    if let Err(page) =
        permit_page(state, staff, crate::web::staff_nav::doors::LOBBY_DESK.gate, ("lobby.desk", &office.code)).await
    {
        return page;
    }
    let now = state.clock().now();
    let day = queue::local_day(office.tz, now);
    let mut found = None;
    if !search.last_name.trim().is_empty() {
        let holder =
            Holder { first_name: &search.first_name, last_name: &search.last_name, birth_date: &search.birth_date };
        let apps = match service::find_appointments(state.db(), &staff.actor, now, (&office.code, day), holder).await {
            Ok(a) => a,
            Err(e) => return staff_error(staff, &ServiceError::Internal(e.to_string())),
        };
        let rows: Vec<_> = apps
            .into_iter()
            .map(|a| {
                let name = format!("{} {}", a.details.first_name, a.details.last_name);
                (
                    a.confirmation.as_str().to_owned(),
                    name,
                    appointment_at(&staff.ctx, office, a.starts),
                    a.service.name(crate::kernel::i18n::Lang::En).to_owned(),
                )
            })
            .collect();
        found = Some(rows);
    }
    let waiting = queue::waiting(state.db(), &office.code, day).await.unwrap_or(0);
    let services = Service::ALL.iter().map(|s| (s.code(), s.name(crate::kernel::i18n::Lang::En))).collect();
    let status = if refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = DeskPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        office: office.name_en.clone(),
        services,
        found,
        search,
        refused,
        waiting,
        arriving,
    };
    staff.finish(render(status, &page))
}

#[derive(Deserialize)]
struct CheckInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    party: String,
    /// `yes` once the desk has seen the customer's details and issues the ticket.
    #[serde(default)]
    confirm: String,
}

fn party_of(s: &str) -> i32 {
    s.trim().parse::<i32>().ok().filter(|n| (1..=20).contains(n)).unwrap_or(1)
}

/// Checks in the holder of an appointment at this office (R-QM-01, R-QM-03).
async fn check_in(State(state): State<AppState>, StaffForm(staff, f): StaffForm<CheckInForm>) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    let confirmation = match Confirmation::new(&f.confirmation) {
        Ok(c) => c,
        Err(e) => {
            let refused = Refused::check_in(e.reason, &f.confirmation, &f.party);
            return desk_view(&state, &staff, Search::default(), Some(refused)).await;
        }
    };
    let appointment = match service::appointment_at(state.db(), &office.code, &confirmation).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            let msg = staff.ctx.t("staff-desk-unknown-confirmation");
            return desk_view(
                &state,
                &staff,
                Search::default(),
                Some(Refused::check_in(msg, &f.confirmation, &f.party)),
            )
            .await;
        }
        Err(e) => return staff_error(&staff, &ServiceError::Internal(e.to_string())),
    };
    if f.confirm != "yes" {
        return arriving_view(&state, &staff, office, &appointment, party_of(&f.party)).await;
    }
    let arrival = Arrival {
        service: appointment.service,
        a_number: appointment.details.a_number.clone(),
        zip: Some(appointment.details.zip.five().to_owned()),
        party: party_of(&f.party),
        appointment: Some(appointment),
    };
    issue(&state, &staff, office, &arrival).await
}

/// Shows who holds the appointment (name, date of birth, type, time) before the ticket is issued
/// (R-QM-01); an appointment for another day shows its day and offers a walk-in ticket instead.
async fn arriving_view(
    state: &AppState,
    staff: &Staff,
    office: &Office,
    appointment: &crate::infopass::model::Appointment,
    party: i32,
) -> Response {
    let now = state.clock().now();
    let today = queue::local_day(office.tz, now);
    let day = appointment.starts.date();
    let d = &appointment.details;
    let arriving = Arriving {
        confirmation: appointment.confirmation.as_str().to_owned(),
        name: format!("{} {}", d.first_name, d.last_name),
        birth_date: d.birth_date.to_string(),
        service: appointment.service.name(crate::kernel::i18n::Lang::En),
        service_code: appointment.service.code(),
        time: appointment_at(&staff.ctx, office, appointment.starts),
        other_day: (day != today).then(|| day.format("%A, %B %-d, %Y").to_string()),
        a_number: d.a_number.as_ref().map(|a| a.as_str().to_owned()).unwrap_or_default(),
        zip: d.zip.five().to_owned(),
        party,
    };
    service::holder_shown(state.db(), &staff.actor, now, appointment).await;
    desk_page(state, staff, Search::default(), None, Some(arriving)).await
}

async fn issue(state: &AppState, staff: &Staff, office: &Office, arrival: &Arrival) -> Response {
    let now = state.clock().now();
    let office_rules = rules_of(state.db(), office).await;
    match queue::check_in(
        state.db(),
        state.catalog(),
        &staff.actor,
        now,
        &office.code,
        office.tz,
        office_rules.queue,
        arrival,
    )
    .await
    {
        Ok(t) => {
            announce(state.db(), state.lobby(), office, state.clock().now(), &office_rules, "issued", &t).await;
            staff.finish(Redirect::to(&format!("/staff/lobby/tickets/{}", t.id)).into_response())
        }
        Err(LobbyError::AlreadyIn(label)) => {
            let msg = staff.ctx.t1("staff-lobby-already-in", "ticket", &label);
            desk_view(state, staff, Search::default(), Some(refused_arrival(msg, arrival))).await
        }
        Err(LobbyError::OtherDay(day)) => {
            let msg = staff.ctx.t1("staff-desk-other-day", "day", &day.format("%A, %B %-d, %Y").to_string());
            desk_view(state, staff, Search::default(), Some(refused_arrival(msg, arrival))).await
        }
        Err(e) => lobby_error(staff, e),
    }
}

/// A check-in the queue refused, with the appointment's number and the party kept.
fn refused_arrival(message: String, arrival: &Arrival) -> Refused {
    let confirmation = arrival.appointment.as_ref().map(|a| a.confirmation.as_str().to_owned()).unwrap_or_default();
    Refused::check_in(message, &confirmation, &arrival.party.to_string())
}

#[derive(Deserialize)]
struct WalkInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    a_number: String,
    #[serde(default)]
    zip: String,
    #[serde(default)]
    party: String,
}

/// A customer without an appointment (R-QM-02, R-QM-03).
async fn walk_in(State(state): State<AppState>, StaffForm(staff, f): StaffForm<WalkInForm>) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    let Some(service) = Service::parse(&f.service) else {
        let refused = Refused::walk_in("service", staff.ctx.t("staff-desk-choose-service"), &f);
        return desk_view(&state, &staff, Search::default(), Some(refused)).await;
    };
    let a_number = match f.a_number.trim() {
        "" => None,
        a => match a.parse::<ANumber>() {
            Ok(a) => Some(a),
            Err(e) => {
                let refused = Refused::walk_in("a_number", e.reason, &f);
                return desk_view(&state, &staff, Search::default(), Some(refused)).await;
            }
        },
    };
    let zip = match f.zip.trim() {
        "" => None,
        z => match z.parse::<crate::kernel::contact::Zip>() {
            Ok(z) => Some(z.five().to_owned()),
            Err(e) => {
                let refused = Refused::walk_in("zip", e.reason, &f);
                return desk_view(&state, &staff, Search::default(), Some(refused)).await;
            }
        },
    };
    let arrival = Arrival { appointment: None, service, a_number, zip, party: party_of(&f.party) };
    issue(&state, &staff, office, &arrival).await
}

// ---------------------------------------------------------------- the ticket

#[derive(Template)]
#[template(path = "staff/lobby_ticket.html")]
struct TicketPage {
    ctx: PageCtx,
    office: String,
    ticket: Ticket,
    service: &'static str,
    printed: String,
}

/// The ticket, laid out for an 80 mm receipt printer (R-QM-03).
async fn ticket_page(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    match queue::ticket_of(state.db(), &office.code, id).await {
        Ok(Some(ticket)) => {
            let printed = staff.ctx.at(ticket.arrived_at);
            let service = ticket.service.name(crate::kernel::i18n::Lang::En);
            staff.finish(render(
                StatusCode::OK,
                &TicketPage { ctx: staff.ctx.clone(), office: office.name_en.clone(), ticket, service, printed },
            ))
        }
        Ok(None) => staff_error(&staff, &ServiceError::NotFound),
        Err(e) => staff_error(&staff, &ServiceError::Internal(e.to_string())),
    }
}

// ---------------------------------------------------------------- officer console

#[derive(Template)]
#[template(path = "staff/lobby_console.html")]
struct ConsolePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    office: String,
    office_code: String,
    counter: String,
    csrf: String,
    current: Option<Current>,
    notes: Vec<queue::Note>,
    services: Vec<(&'static str, &'static str)>,
    waiting: i64,
    queue: Vec<ServiceQueue>,
    empty: bool,
    /// The server's time, so the page's timers count from it rather than the desk's clock.
    now: String,
    /// The time of the figures, in the office's zone.
    updated: String,
}

/// The ticket at the officer's counter, with its appointment and its timers.
struct Current {
    ticket: Ticket,
    /// The appointment's local time, written out (`9:30 AM`).
    appointment: Option<String>,
    /// How early or late the customer came for it, in words.
    punctuality: Option<String>,
    arrived: String,
    /// Minutes waited until the (first) call.
    waited: i64,
    /// The timer that runs now: `called` (since the call) or `serving` (since service began),
    /// its start (RFC 3339) and its minutes so far.
    timer: (&'static str, String, i64),
}

/// One service's part of the waiting queue, as the console shows it.
struct ServiceQueue {
    service: Service,
    /// Waiting for it, in queue order: label, and whether booked.
    tickets: Vec<(String, bool)>,
    /// Minutes the longest waiter has waited.
    longest: i64,
}

/// The tickets shown by name in each service's row; the count covers the rest.
const SHOWN_A_SERVICE: usize = 6;

fn service_queues(waiting: &[Ticket], now: chrono::DateTime<chrono::Utc>) -> Vec<ServiceQueue> {
    Service::ALL
        .into_iter()
        .map(|service| {
            let of: Vec<&Ticket> = waiting.iter().filter(|t| t.service == service).collect();
            let waited = |t: &Ticket| (now - t.arrived_at).num_minutes().max(0);
            ServiceQueue {
                service,
                longest: of.iter().map(|t| waited(t)).max().unwrap_or(0),
                tickets: of.iter().map(|t| (t.label.clone(), t.booked)).collect(),
            }
        })
        .collect()
}

impl ConsolePage {
    fn shown<'a>(&self, q: &'a ServiceQueue) -> &'a [(String, bool)] {
        q.tickets.get(..SHOWN_A_SERVICE).unwrap_or(&q.tickets)
    }

    fn more(&self, q: &ServiceQueue) -> usize {
        q.tickets.len().saturating_sub(SHOWN_A_SERVICE)
    }
}

/// An appointment's start (a wall-clock time at the office) as staff read every time: in the
/// page's zone with the zone named (R-QM-01).
fn appointment_at(ctx: &PageCtx, office: &Office, starts: chrono::NaiveDateTime) -> String {
    use chrono::TimeZone;
    match office.tz.from_local_datetime(&starts).earliest() {
        Some(at) => ctx.at(at.with_timezone(&chrono::Utc)),
        None => format!("{} {}", starts.format("%Y-%m-%d %H:%M"), office.tz.name()),
    }
}

fn current_of(ctx: &PageCtx, office: &Office, t: Ticket, now: chrono::DateTime<chrono::Utc>) -> Current {
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&office.tz);
    let starts =
        t.appointment_at.as_deref().and_then(|a| chrono::NaiveDateTime::parse_from_str(a, "%Y-%m-%d %H:%M").ok());
    let punctuality = starts.map(|s| match (local(t.arrived_at).naive_local() - s).num_minutes() {
        m if m < 0 => ctx.ta("staff-console-arrived-early", ("minutes", &(-m))),
        0 => ctx.t("staff-console-arrived-on-time"),
        m => ctx.ta("staff-console-arrived-late", ("minutes", &m)),
    });
    let waited = t.called_at.map_or(0, |c| (c - t.arrived_at).num_minutes().max(0));
    let timer = match (t.started_at, t.called_at) {
        (Some(s), _) => ("serving", s.to_rfc3339(), (now - s).num_minutes().max(0)),
        (None, Some(c)) => ("called", c.to_rfc3339(), (now - c).num_minutes().max(0)),
        (None, None) => ("called", now.to_rfc3339(), 0),
    };
    Current {
        appointment: starts.map(|s| appointment_at(ctx, office, s)),
        punctuality,
        arrived: local(t.arrived_at).format("%-I:%M %p %Z").to_string(),
        waited,
        timer,
        ticket: t,
    }
}

#[derive(Deserialize, Default)]
struct ConsoleQuery {
    #[serde(default)]
    counter: String,
    #[serde(default)]
    empty: bool,
}

/// The officer's console (R-QM-05): call the next customer, and work the one called; the
/// waiting queue by service, and the ticket at the counter with its appointment and timers.
/// It follows the office's lobby events (the queue part refreshes itself) and works from the
/// keyboard alone: the next step has the focus, and each action has a shortcut.
async fn console(State(state): State<AppState>, staff: Staff, Query(q): Query<ConsoleQuery>) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    if let Err(page) = permit_page(&state, &staff, Capability::QueueCall, ("lobby.console", &office.code)).await {
        return page;
    }
    let now = state.clock().now();
    let day = queue::local_day(office.tz, now);
    let counter = counter_of(&q.counter);
    // The ticket at this counter: the one being served, else the one called to it.
    let mut current = None;
    for status in [Status::Serving, Status::Called] {
        if current.is_none()
            && let Ok(list) = queue::of_day(state.db(), &office.code, day, status).await
        {
            current = list.into_iter().find(|t| t.counter.as_deref() == Some(counter.as_str()));
        }
    }
    let mut notes = Vec::new();
    if let Some(t) = &current
        && let Some(a) = t.a_number.as_deref().and_then(|a| a.parse::<ANumber>().ok())
    {
        notes = queue::notes(state.db(), state.catalog(), &staff.actor, now, &a, t.id).await.unwrap_or_default();
    }
    let waiting_tickets = queue::of_day(state.db(), &office.code, day, Status::Waiting).await.unwrap_or_default();
    let services = Service::ALL.iter().map(|s| (s.code(), s.name(crate::kernel::i18n::Lang::En))).collect();
    let page = ConsolePage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        office: office.name_en.clone(),
        office_code: office.code.clone(),
        counter,
        csrf: staff.csrf.clone(),
        current: current.map(|t| current_of(&staff.ctx, office, t, now)),
        notes,
        services,
        waiting: waiting_tickets.len() as i64,
        queue: service_queues(&waiting_tickets, now),
        empty: q.empty,
        now: now.to_rfc3339(),
        updated: now.with_timezone(&office.tz).format("%-I:%M:%S %p %Z").to_string(),
    };
    staff.finish(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct CallForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    counter: String,
}

/// Calls the next customer (R-QM-04).
async fn call(State(state): State<AppState>, StaffForm(staff, f): StaffForm<CallForm>) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    let counter = counter_of(&f.counter);
    let now = state.clock().now();
    let office_rules = rules_of(state.db(), office).await;
    match queue::call_next(
        state.db(),
        state.catalog(),
        &staff.actor,
        now,
        (&office.code, queue::local_day(office.tz, now)),
        &counter,
        office_rules.queue,
    )
    .await
    {
        Ok(Some(t)) => {
            announce(state.db(), state.lobby(), office, state.clock().now(), &office_rules, "called", &t).await;
            staff.finish(Redirect::to(&format!("/staff/lobby/console?counter={counter}")).into_response())
        }
        Ok(None) => {
            staff.finish(Redirect::to(&format!("/staff/lobby/console?counter={counter}&empty=true")).into_response())
        }
        Err(e) => lobby_error(&staff, e),
    }
}

/// Recall, start, transfer, close or mark a no-show (R-QM-05, R-QM-06).
async fn step(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    // `given` repeats, once for each service given.
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    let chosen = match f.get("action").as_str() {
        "recall" => Some(Step::Recall),
        "start" => Some(Step::Start),
        "no_show" => Some(Step::NoShow),
        "transfer" => Service::parse(&f.get("service")).map(Step::Transfer),
        "close" => Some(Step::Close(f.all("given").iter().filter_map(|g| Service::parse(g)).collect())),
        _ => None,
    };
    let Some(chosen) = chosen else {
        return refuse(&staff, "action", &staff.ctx.t("staff-console-choose-action"));
    };
    let office_rules = rules_of(state.db(), office).await;
    match queue::step(
        state.db(),
        state.catalog(),
        &staff.actor,
        state.clock().now(),
        (&office.code, id),
        &chosen,
        office_rules.queue,
    )
    .await
    {
        Ok(t) => {
            let kind = match (&chosen, t.status) {
                (_, Status::NoShow) => "no_show",
                (Step::Recall, _) => "recalled",
                (Step::Start, _) => "serving",
                (Step::Transfer(_), _) => "transferred",
                _ => "done",
            };
            announce(state.db(), state.lobby(), office, state.clock().now(), &office_rules, kind, &t).await;
            let to = format!("/staff/lobby/console?counter={}", counter_of(&f.get("counter")));
            staff.finish(Redirect::to(&to).into_response())
        }
        Err(e) => lobby_error(&staff, e),
    }
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    counter: String,
}

/// Writes a visit note on the ticket's A-Number (R-QM-05, R-QM-08).
async fn note(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<NoteForm>,
) -> Response {
    let Some(office) = office_of(&state, &staff) else { return staff_error(&staff, &ServiceError::NotFound) };
    let text = f.note.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return refuse(&staff, "note", &staff.ctx.t("staff-console-note-length"));
    }
    let ticket = match queue::ticket_of(state.db(), &office.code, id).await {
        Ok(Some(t)) => t,
        Ok(None) => return staff_error(&staff, &ServiceError::NotFound),
        Err(e) => return staff_error(&staff, &ServiceError::Internal(e.to_string())),
    };
    let Some(a) = ticket.a_number.as_deref().and_then(|a| a.parse::<ANumber>().ok()) else {
        return refuse(&staff, "a_number", &staff.ctx.t("staff-console-note-needs-a-number"));
    };
    match queue::write_note(
        state.db(),
        state.catalog(),
        &staff.actor,
        state.clock().now(),
        (&office.code, id),
        &a,
        text,
    )
    .await
    {
        Ok(()) => staff
            .finish(Redirect::to(&format!("/staff/lobby/console?counter={}", counter_of(&f.counter))).into_response()),
        Err(e) => lobby_error(&staff, e),
    }
}

// ---------------------------------------------------------------- lobby display

#[derive(Template)]
#[template(path = "lobby_display.html")]
struct DisplayPage {
    ctx: PageCtx,
    office_code: String,
    office: String,
    called: Vec<(String, String)>,
    waiting: i64,
}

/// The lobby screen (R-QM-07): ticket numbers and counters only, never a name; it follows the
/// office's events live.
async fn display(State(state): State<AppState>, ctx: PageCtx, Path(code): Path<String>) -> Response {
    let Some(office) = state.catalog().field_office(&code) else {
        return crate::web::error::error_page(ctx, StatusCode::NOT_FOUND);
    };
    let day = queue::local_day(office.tz, state.clock().now());
    let mut called = Vec::new();
    for status in [Status::Called, Status::Serving] {
        if let Ok(list) = queue::of_day(state.db(), &office.code, day, status).await {
            called.extend(list.into_iter().filter_map(|t| Some((t.label, t.counter?))));
        }
    }
    let waiting = queue::waiting(state.db(), &office.code, day).await.unwrap_or(0);
    let office_name = office.name(ctx.lang).to_owned();
    render(StatusCode::OK, &DisplayPage { ctx, office_code: office.code.clone(), office: office_name, called, waiting })
}

/// The office's events as server-sent events.
async fn events(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let Some(office) = state.catalog().field_office(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(rx) = state.lobby().subscribe(&office.code) else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) => {
                    let data = serde_json::to_string(&e).unwrap_or_default();
                    return Some((Ok::<_, Infallible>(SseEvent::default().event("lobby").data(data)), rx));
                }
                // A slow screen skips what it missed; the next event brings it up to date.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
