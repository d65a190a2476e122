### The staff pages' words, in English only for now (docs/ARCHITECTURE.md, "Languages").
### Ids: staff-<page>-<what>; the words for a stored code: staff-<vocabulary>-<code>, the code as
### it is stored. Ids ending in -html hold markup: keep the tags (and their ids) when changing
### the words; their variables arrive escaped.

## Layout
staff-layout-site = CRIS staff
staff-layout-skip = Skip to main content
staff-layout-banner-label = Official website of the United States government
staff-layout-banner-official = An official website of the United States government
staff-layout-menu = Menu
staff-layout-nav-label = Staff navigation
staff-layout-close = Close
staff-layout-signed-in-as = { $user } · { $role }
staff-layout-sign-out = Sign out
staff-layout-footer = For official use only. Use of this system is monitored and recorded.

## Navigation (one entry a page; the staff home lists them too)
staff-nav-home = Home
staff-nav-scripts = Scripts
staff-nav-script-review = Script review
staff-nav-users = Staff accounts
staff-nav-autolock = Autolock log
staff-nav-alerts = Security alerts
staff-nav-audit = Audit log
staff-nav-clients = API clients
staff-nav-representatives = Representatives
staff-nav-service-requests = Service requests
staff-nav-record-request = Record a request
staff-nav-processing-times = Processing times
staff-nav-front-desk = Front desk
staff-nav-kiosk = Kiosk mode
staff-nav-console = Officer console
staff-nav-dashboard = Lobby dashboard
staff-nav-calendar = Office calendar
staff-nav-lobby-rules = Lobby rules
staff-nav-reports = Reports

## Roles, by stored code
staff-role-tier1 = Tier 1 call-centre staff
staff-role-tier2 = Tier 2 call-centre staff
staff-role-iio = Immigration Information Officer
staff-role-siio = Supervisory Immigration Information Officer
staff-role-iso = Immigration Service Officer
staff-role-reception = Reception desk
staff-role-district_admin = District administrator
staff-role-region_admin = Region administrator
staff-role-global_admin = Global administrator
staff-role-headquarters = Headquarters
staff-role-asylum_officer = Asylum/refugee officer
staff-role-fraud_analyst = Fraud analyst
staff-role-international_analyst = International analyst
staff-role-unknown = (unknown role)

## Shared words
staff-common-show = Show
staff-common-choose = - Choose -
staff-common-optional = (optional)
staff-common-correct-these = Correct these values
staff-common-none = None.
staff-common-never = Never
staff-common-office = Office

## Staff home
staff-home-title = Your work today
staff-home-signed-in-as = Signed in as { $user }, { $role }, { $office }.
staff-home-nothing-counted = Nothing is waiting for you here. Your pages are in the menu and below.
staff-home-lobby = Lobby
staff-home-waiting = { $count ->
    [0] Nobody waiting
    [one] 1 customer waiting
   *[other] { $count } customers waiting
}
staff-home-waiting-for = { $service }: { $count }
staff-home-lobby-alerts = { $count ->
    [0] No open alerts
    [one] 1 open alert
   *[other] { $count } open alerts
}
staff-home-requests = Service requests
staff-home-mine = { $count ->
    [0] No requests assigned to you
    [one] 1 request assigned to you
   *[other] { $count } requests assigned to you
}
staff-home-overdue = { $count ->
    [0] None overdue
    [one] 1 overdue
   *[other] { $count } overdue
}
staff-home-due-soon = { $count ->
    [0] None due within { $days } days
    [one] 1 due within { $days } days
   *[other] { $count } due within { $days } days
}
staff-home-unassigned = { $count ->
    [0] No requests waiting to be assigned
    [one] 1 request waiting to be assigned
   *[other] { $count } requests waiting to be assigned
}
staff-home-your-office = Your office
staff-home-every-office = Every office
staff-home-open-requests = Open service requests
staff-home-security-alerts = { $count ->
    [0] No open security alerts
    [one] 1 open security alert
   *[other] { $count } open security alerts
}
staff-home-open-alerts = Review alerts
staff-home-drafts = { $count ->
    [0] No drafts waiting for review
    [one] 1 draft waiting for review
   *[other] { $count } drafts waiting for review
}
staff-home-open-review = Review drafts
staff-home-pages = Your pages
staff-home-sign-out-everywhere = Sign out on every device

## Refusals and errors (the message page)
staff-error-back = Back to the staff home page
staff-error-denied-title = Not allowed
staff-error-denied = You cannot do this: { $why }. The attempt was recorded.
staff-error-denied-capability = your role does not allow this
staff-error-denied-reach = this record belongs to another office
staff-error-not-found-title = Not found
staff-error-not-found = There is no such record.
staff-error-invalid-title = Check what you entered
staff-error-internal-title = Something went wrong
staff-error-internal = Nothing was changed. Please try again.
staff-error-csrf-title = Form expired
staff-error-csrf = This form has expired or did not come from this site. Go back, reload the page and try again.

## Sign-in (banner, password, authenticator code, enrolment)
staff-sign-in-title = Staff sign-in
staff-sign-in-warning = Warning
staff-sign-in-banner-heading = You are accessing a U.S. Government information system
staff-sign-in-banner = This system is provided for U.S. Government-authorized use only. Unauthorized or improper use of this
    system is prohibited and may result in disciplinary action and civil and criminal penalties. By using this system you
    understand and consent to the following: you have no reasonable expectation of privacy regarding any communication or
    data transiting or stored on this system; at any time, and for any lawful Government purpose, the Government may
    monitor, intercept, record and search any communication or data transiting or stored on this system; and any
    communication or data transiting or stored on this system may be disclosed or used for any lawful Government purpose.
staff-sign-in-accept = I understand and accept
staff-sign-in-username = User name
staff-sign-in-password = Password
staff-sign-in-continue = Continue
staff-sign-in-code-title = Authenticator code
staff-sign-in-code = 6-digit code
staff-sign-in-code-hint = From the authenticator app on your phone.
staff-sign-in-submit = Sign in
staff-sign-in-enrol-title = Set up your authenticator
staff-sign-in-enrol-intro = Staff sign in with a password and a code from an authenticator app. Scan the QR code with your app, or add an
    account with the key, then enter the code the app shows.
staff-sign-in-enrol-account = Account
staff-sign-in-enrol-account-name = CRIS: { $user }
staff-sign-in-enrol-key = Key
staff-sign-in-enrol-link = Setup link
staff-sign-in-enrol-finish = Finish setup and sign in
staff-sign-in-enrol-qr-title = QR code to add the CRIS account { $user } to an authenticator app
staff-sign-in-enrol-qr-caption = Scan this code with your authenticator app, or type the key shown beside it.
staff-sign-in-signed-out = You have signed out.
staff-sign-in-expired = This form has expired. Please try again.
staff-sign-in-must-accept = You must accept the conditions of use to sign in.
staff-sign-in-bad-credentials = The user name or password is not right.
staff-sign-in-bad-code = The code is not right. Enter the current 6-digit code from your authenticator app.
staff-sign-in-bad-combination = The user name, password or code is not right. Enter all three again.
staff-sign-in-wait = Too many failed attempts from your address. Wait until { $time } and try again.
staff-sign-in-inactive = Your account is deactivated. Ask an administrator.
staff-sign-in-failed = Something went wrong. Please try again.
staff-sign-in-too-many = Too many attempts from your network. Wait a minute and try again.

## Staff accounts (the list, one account)
staff-account-username = User name
staff-account-name = Name
staff-account-role = Role
staff-account-status = Status
staff-account-last-sign-in = Last sign-in
staff-account-active = Active
staff-account-locked = Sign-in slowed
staff-account-deactivated = Deactivated
staff-users-title = Staff accounts
staff-users-created = Account { $user } was created. They set up their authenticator at their first sign-in.
staff-users-caption = Accounts you can see
staff-users-new = New account
staff-users-full-name = Full name
staff-users-work-email = Work email
staff-users-password = Initial password
staff-users-password-hint = At least 12 characters; common passwords are refused. Give it to the person by a separate channel.
staff-users-create = Create account
staff-user-heading = { $name } ({ $user })
staff-user-email = Email
staff-user-deactivated-because = Deactivated ({ $why })
staff-user-authenticator = Authenticator
staff-user-totp-set-up = Set up
staff-user-totp-not-set-up = Not set up
staff-user-failed-attempts = Failed attempts
staff-user-reinstate = Reinstate
staff-user-reset-totp = Reset authenticator
staff-user-deactivate-reason = Reason for deactivation
staff-user-deactivate = Deactivate

## Autolock log
staff-autolock-title = Autolock log
staff-autolock-caption = Accounts whose sign-in was slowed after repeated failed attempts (nothing is locked: password and code together still sign in)
staff-autolock-site = Site
staff-autolock-locked = Slowed from
staff-autolock-reinstated = Ended
staff-autolock-reinstated-by = { $at } by { $by }
staff-autolock-still-locked = Still slowed
staff-autolock-none = No account's sign-in has been slowed.

## Security alerts
staff-alerts-title = Security alerts
staff-alerts-caption = Unauthorised attempts, open alerts first
staff-alerts-when = When
staff-alerts-kind = Kind
staff-alerts-user = User
staff-alerts-from = From
staff-alerts-what = What happened
staff-alerts-seen-by = Seen by { $user }
staff-alerts-mark-seen = Mark seen
staff-alerts-none = No alerts.
staff-alerts-repeated = { $count -> 
    [one] Once more
   *[other] { $count } more times
 }, last at { $last }

## Audit and security logs
staff-audit-title = Audit log
staff-audit-heading = Audit and security logs
staff-audit-filter = Filter
staff-audit-log = Log
staff-audit-everything = Everything
staff-audit-category-security = Security log (sign-ins, failures, lockouts, denials)
staff-audit-category-change = Transactions
staff-audit-category-access = Reads of personal data
staff-audit-event-type = Event type
staff-audit-event-example = e.g. staff.sign_in
staff-audit-site-code = Site (office code)
staff-audit-from = From (YYYY-MM-DD)
staff-audit-to = To (YYYY-MM-DD)
staff-audit-export = Export these rows as CSV
staff-audit-caption = Newest first
staff-audit-time = Time
staff-audit-event = Event
staff-audit-user = User
staff-audit-ip = IP
staff-audit-site = Site
staff-audit-record = Record
staff-audit-outcome = Outcome
staff-audit-detail = Detail
staff-audit-none = No entries match.
staff-audit-older = Older entries
staff-audit-bad-date = { $typed } is not a date (YYYY-MM-DD).
staff-audit-bad-category = { $typed } is not an event category.

## API clients
staff-clients-title = API clients
staff-clients-registered = Client registered
staff-clients-issued-html = Client id <code id="issued-client-id">{ $id }</code>, secret <code id="issued-secret">{ $secret }</code>.
    Copy the secret now: it is not stored and cannot be shown again.
staff-clients-caption = Registered clients
staff-clients-application = Application
staff-clients-client-id = Client id
staff-clients-rate = Requests a second
staff-clients-quota = Requests a day
staff-clients-scopes = Scopes
staff-clients-active = Active
staff-clients-inactive = Inactive
staff-clients-new = Register a client
staff-clients-name = Application name
staff-clients-may-do = What it may do
staff-clients-scope-case_status = Read case status (third-party applications)
staff-clients-scope-case_events = Push case status changes (adjudication systems)
staff-clients-register = Register
staff-clients-not-numbers = Rate and quota must be whole numbers.

## Kiosk mode
staff-kiosk-title = Kiosk mode
staff-kiosk-heading = Kiosk mode, { $office }
staff-kiosk-intro = A kiosk offers the public booking, reprinting and cancelling of appointments at this office, with large touch targets and a reset after 90 seconds without a touch.
    Turning this terminal into a kiosk signs you out of it; to turn it back, sign in on it and come back here.
staff-kiosk-stop = Stop kiosk mode on this terminal
staff-kiosk-start = Make this terminal the office's kiosk

## A case as staff research it
staff-case-title = Case { $receipt }
staff-case-summary-html = { $form } at { $office }, received { $received }. Status: <strong id="case-status">{ $status }</strong>
staff-case-history = Status history
staff-case-newest-first = Newest first
staff-case-date = Date
staff-case-addresses = Addresses
staff-case-no-address = No change of address on file.
staff-case-addresses-caption = Newest first; the first row is where notices go
staff-case-address = Address
staff-case-since = Since
staff-case-ar11 = AR-11
staff-case-requests = Service requests
staff-case-requests-caption = Requests about this case, newest first

## A list of service requests (a table on several pages)
staff-sr-table-select = Select
staff-sr-table-confirmation = Confirmation
staff-sr-table-case = Case
staff-sr-table-issue = Issue
staff-sr-table-officer = Officer
staff-sr-table-due = Due
staff-sr-table-accommodation = Accommodation
staff-sr-table-paused = paused
staff-sr-overdue = overdue

## Service requests: the queues
staff-srs-title = Service requests
staff-srs-record = Record a request
staff-srs-unassigned = Unassigned in your office
staff-srs-unassigned-caption = Requests waiting for an officer, soonest due first
staff-srs-assign-to = Assign the selected requests to
staff-srs-assign = Assign
staff-srs-workloads = Officers' workloads
staff-srs-workloads-caption = Open requests per officer
staff-srs-open = Open
staff-srs-officer = { $name } ({ $user })
staff-srs-mine = Assigned to you
staff-srs-mine-caption = Your requests, soonest due first
staff-srs-due = Overdue and due within 5 days
staff-srs-due-caption = Unanswered requests by due date
staff-srs-assigned = { $count ->
    [one] { $count } request assigned.
   *[other] { $count } requests assigned.
}

## Service requests: one request
staff-sr-title = Service request { $confirmation }
staff-sr-officer-option = { $name } ({ $user }), { $open } open
staff-sr-accommodation = Accommodation request: a customer with a disability. Serve it first.
staff-sr-came-in = Came in
staff-sr-came-in-value = { $channel }, { $at }
staff-sr-not-assigned = not assigned
staff-sr-paused = paused while on hold (was { $due })
staff-sr-language = Language
staff-sr-answer-by = Answer by
staff-sr-answer-by-email = Email to { $email }
staff-sr-answer-by-phone = Telephone { $phone }
staff-sr-answer-by-letter = Letter by mail
staff-sr-detail-name = Name
staff-sr-detail-birth-date = Date of birth
staff-sr-detail-birth-country = Country of birth
staff-sr-detail-citizenship = Country of citizenship
staff-sr-detail-a-number = A-Number
staff-sr-detail-address = Mailing address
staff-sr-detail-notice = Notice not received
staff-sr-detail-wrong-item = Wrong item
staff-sr-detail-correction = Should read
staff-sr-detail-accommodation = Accommodation
staff-sr-detail-description = Description
staff-sr-case = The case
staff-sr-case-summary-html = <a class="usa-link" href="/staff/cases/{ $receipt }">{ $receipt }</a>: { $form } at { $office }, received { $received }. <strong>{ $status }</strong>
staff-sr-address-on-file = Address on file: { $address }
staff-sr-trail = Trail
staff-sr-trail-caption = Every step and exchange, oldest first
staff-sr-trail-when = When
staff-sr-trail-step = Step
staff-sr-trail-by = By
staff-sr-trail-to = To
staff-sr-reason = Reason
staff-sr-trail-said = Said
staff-sr-trail-customer = customer
staff-sr-trail-letter = Letter (PDF)
staff-sr-assign = Assign
staff-sr-reassign = Reassign
staff-sr-reassign-reason = Reason for reassigning
staff-sr-redirect-heading = Redirect to another office
staff-sr-redirect = Redirect
staff-sr-answer = Answer the customer
staff-sr-answer-how = How
staff-sr-method-letter = Response letter (PDF, in the customer's language)
staff-sr-method-email = Email
staff-sr-method-phone = Telephone call (record what was said)
staff-sr-answer-body = What the customer is told
staff-sr-resolves = This resolves the request
staff-sr-record-answer = Record the answer
staff-sr-release = Take off hold
staff-sr-hold-because = Put on hold because
staff-sr-hold = Put on hold
staff-sr-choose-officer = Choose an officer.
staff-sr-tick-one = Tick at least one request.
staff-sr-choose-reason = Choose the reason.
staff-sr-choose-method = Choose how you answered.

## Reasons for moving a request, by stored code
staff-sr-move-reason-staff_change = Staff change
staff-sr-move-reason-office_alignment = Office location alignment
staff-sr-move-reason-customer_disability = Customer with disabilities
staff-sr-move-reason-office_bandwidth = Office bandwidth

## Service requests: recording one taken by phone, letter or at an office
staff-sr-new-title = Record a service request
staff-sr-new-caller = Caller's receipt number, email or phone
staff-sr-new-caller-placeholder = Receipt number, email or phone
staff-sr-new-find = Find earlier requests
staff-sr-new-earlier = Earlier requests
staff-sr-new-earlier-caption = The caller's requests, newest first
staff-sr-new-came-in = How it came in
staff-sr-new-case = The case
staff-sr-new-details = Details (only those the issue needs are kept)
staff-sr-new-reply = How to answer
staff-sr-new-record = Record the request
staff-sr-new-done = Request { $confirmation } recorded and routed. Give the caller this confirmation number.

## Lobby: words the desk, the console, the dashboard and the ticket share
staff-lobby-waiting = { $count } waiting.
staff-lobby-nobody-waiting = Nobody is waiting.
staff-lobby-counter = Counter
staff-lobby-service = Service
staff-lobby-queue = Queue
staff-lobby-appointment = Appointment
staff-lobby-walk-in = Walk-in
staff-lobby-a-number = A-Number
staff-lobby-party = Party
staff-lobby-already-in = This appointment is already checked in, as ticket { $ticket }.

## Front desk
staff-desk-title = Front desk
staff-desk-heading = Front desk, { $office }
staff-desk-notice = Appointment notice
staff-desk-confirmation = Scan the barcode or type the confirmation number
staff-desk-party = People in the party
staff-desk-check-in = Check in
staff-desk-no-notice = No notice: today's appointments
staff-desk-last-name = Last name
staff-desk-first-name = First name
staff-desk-birth-date = Date of birth (YYYY-MM-DD)
staff-desk-search = Search
staff-desk-no-match = No appointment today matches. Check the customer in as a walk-in.
staff-desk-matches = Today's appointments that match
staff-desk-time = Time
staff-desk-type = Type
staff-desk-action = Action
staff-desk-a-number = A-Number (optional)
staff-desk-zip = ZIP code (optional)
staff-desk-issue = Issue a ticket
staff-desk-unknown-confirmation = No appointment at this office has this confirmation number. Search by name, or check the customer in as a walk-in.
staff-desk-choose-service = Choose the service the customer needs.
staff-desk-arriving = Check the customer before issuing the ticket
staff-desk-arriving-compare = Compare the name and date of birth with the customer's photo identity document.
staff-desk-born = Date of birth
staff-desk-other-day = This appointment is for { $day }, not today. The customer can wait as a walk-in.
staff-desk-issue-walk-in = Issue a walk-in ticket

## The ticket (an 80 mm receipt)
staff-ticket-title = Ticket { $ticket } | CRIS
staff-ticket-printed = Printed
staff-ticket-confirmation = Confirmation
staff-ticket-zip = ZIP
staff-ticket-wait = Please wait to be called. Watch the screen for your number.
staff-ticket-print = Print
staff-ticket-back = Back to the desk

## Officer console
staff-console-title = Officer console
staff-console-heading = Officer console, { $office }
staff-console-call-next = Call next
staff-console-ticket-html = Ticket <span id="current-ticket">{ $ticket }</span>
staff-console-appointment-at = Appointment at { $at }
staff-console-calls = Calls
staff-console-no-a-number = none given
staff-console-start = The customer is here
staff-console-recall = Call again
staff-console-no-show = No-show
staff-console-given = Services given
staff-console-close = Close the visit
staff-console-transfer-to = Transfer to another service
staff-console-transfer = Transfer
staff-console-notes = Visit notes
staff-console-notes-intro = Notes record questions and answers at the counter. They are never used for benefit decisions.
staff-console-no-notes = No notes from earlier visits.
staff-console-note = { $date }, { $office }, { $officer }: { $note }
staff-console-new-note = New note
staff-console-save-note = Save the note
staff-console-choose-action = Choose what to do with the ticket.
staff-console-note-length = Write a note of up to 2,000 characters.
staff-console-note-needs-a-number = Notes are kept by A-Number; this ticket has none.
staff-console-confirmation = confirmation { $number }
staff-console-arrived-early = { $minutes ->
    [one] arrived 1 minute early
   *[other] arrived { $minutes } minutes early
}
staff-console-arrived-late = { $minutes ->
    [one] arrived 1 minute late
   *[other] arrived { $minutes } minutes late
}
staff-console-arrived-on-time = arrived on time
staff-console-arrived = Arrived
staff-console-waited = Waited before the call
staff-console-minutes = { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}
staff-console-timer-called = Since the call
staff-console-timer-serving = At the counter for
staff-console-min = min
staff-console-queue = Waiting, by service
staff-console-queue-count = Waiting
staff-console-queue-longest = Longest wait (min)
staff-console-queue-next = Next in line
staff-console-queue-more = { $count ->
    [one] and 1 more
   *[other] and { $count } more
}
staff-console-queue-booked = With an appointment.
staff-console-shortcuts = Keyboard
staff-console-shortcut-html = <kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>{ $key }</kbd>
staff-console-shortcuts-intro = Tab moves through the page and the next step already has the focus, so Enter does it. These keys act from anywhere on the page:
staff-ticket-status-waiting = Waiting
staff-ticket-status-called = Called to the counter
staff-ticket-status-serving = At the counter
staff-ticket-status-done = Served
staff-ticket-status-no_show = Did not come
staff-live-on = Live: follows the lobby as it changes.
staff-live-as-of = As of { $time }.
staff-live-refresh = Refresh now

## Lobby dashboard
staff-dashboard-title = Lobby dashboard
staff-dashboard-heading = Lobby dashboard, { $office }
staff-dashboard-updated = Updated { $time }.
staff-level-normal = normal
staff-level-warning = warning
staff-level-critical = critical
staff-dashboard-measures = Measures
staff-dashboard-measure = Measure
staff-dashboard-now = Now
staff-dashboard-level = Level
staff-dashboard-warning-at = Warning at
staff-dashboard-critical-at = Critical at
staff-dashboard-alerts = Alerts
staff-dashboard-no-alerts = No alerts yet.
staff-dashboard-alert-open-html = <strong>{ $level }</strong>: { $measure } reached { $value } at { $at } (open)
staff-dashboard-alert-cleared-html = <strong>{ $level }</strong>: { $measure } reached { $value } at { $at }; cleared at { $cleared }
staff-dashboard-counters = At the counters
staff-dashboard-no-counters = No customer is at a counter.
staff-dashboard-ticket = Ticket
staff-dashboard-called = Called
staff-dashboard-waiting = Waiting, in queue order
staff-dashboard-waited = Waited (minutes)
staff-dashboard-out-of-order = Call out of order
staff-dashboard-reason = Reason
staff-dashboard-call-now = Call { $ticket } now
staff-dashboard-reason-length = Say why this customer is called out of order (5 to 500 characters).

## Lobby measures, by stored code (the dashboard, the rules, the alert emails)
staff-measure-longest_wait = Longest wait (minutes)
staff-measure-waiting = Customers waiting
staff-measure-running_late = Appointments running late

## The alert email to an office's supervisors
staff-lobby-alert-subject = CRIS lobby alert ({ $level }): { $measure } at { $office }
staff-lobby-alert-body =
    { $measure } at { $office } is { $value }: { $level } level (warning at { $warning }, critical at { $critical }).

    The lobby dashboard: /staff/lobby/dashboard

## Lobby rules
staff-rules-title = Lobby rules
staff-rules-heading = Lobby rules, { $office }
staff-rules-saved = Saved. The queue and the dashboard follow the new rules now.
staff-rules-intro = Customers with an appointment go before walk-ins when they arrive within the window around their time; a walk-in who has waited past the ageing limit goes first.
    An alert is raised once when a measure reaches its warning or critical level, emailed to the office's supervisors, and cleared when the measure falls back.
staff-rules-early_minutes = Minutes before the appointment a customer keeps their place
staff-rules-late_minutes = Minutes after the appointment a customer keeps their place
staff-rules-ageing_minutes = Minutes after which a waiting walk-in goes first
staff-rules-max_calls = Calls before a ticket is a no-show
staff-rules-longest_wait_warning = Longest wait, warning (minutes)
staff-rules-longest_wait_critical = Longest wait, critical (minutes)
staff-rules-waiting_warning = Customers waiting, warning
staff-rules-waiting_critical = Customers waiting, critical
staff-rules-running_late_warning = Appointments running late, warning
staff-rules-running_late_critical = Appointments running late, critical
staff-rules-save = Save the rules

## Office calendar
staff-calendar-title = Office calendar
staff-calendar-heading = Office calendar, { $office }
staff-calendar-hours = Hours and services
staff-calendar-hours-intro = Times are the office's local time ({ $zone }). Federal holidays are closed without an entry here. Booked appointments that a change leaves outside the hours, days or services are counted first; once you confirm, they are cancelled and their customers told, as for a closure.
staff-calendar-opens = Opens (HH:MM)
staff-calendar-closes = Closes (HH:MM)
staff-calendar-open-on = Open on
staff-calendar-horizon = Days ahead customers may book
staff-calendar-services-caption = Services: slot length in minutes and customers a slot
staff-calendar-offered = Offered
staff-calendar-minutes = Minutes a slot
staff-calendar-capacity = Customers a slot
staff-calendar-minutes-of = Minutes a slot, { $service }
staff-calendar-capacity-of = Customers a slot, { $service }
staff-calendar-save = Save the calendar
staff-calendar-confirm-heading = Booked appointments fall outside this calendar
staff-calendar-confirm = { $count ->
    [one] 1 booked appointment falls outside the new hours, days or services. Saving cancels it as a closure does: the customer is told, with a link to book again.
   *[other] { $count } booked appointments fall outside the new hours, days or services. Saving cancels them as a closure does: each customer is told, with a link to book again.
}
staff-calendar-save-confirm = Save and cancel these appointments
staff-calendar-keep = Keep the calendar as it is
staff-calendar-saved-cancelled = Calendar saved. { $count ->
    [one] 1 appointment outside it was cancelled and its customer told.
   *[other] { $count } appointments outside it were cancelled and their customers told.
}
staff-calendar-closures = Closures
staff-calendar-no-closures = No closures ahead.
staff-calendar-from = From
staff-calendar-until = Until
staff-calendar-reason = Reason
staff-calendar-set-by = Set by
staff-calendar-close-heading = Close the office
staff-calendar-close-intro = Every appointment inside the closure is cancelled; each customer is told by email, or by text message when no email was given, with a link to book again.
staff-calendar-day = Day (YYYY-MM-DD)
staff-calendar-close-from = From (HH:MM; empty for the whole day)
staff-calendar-close-until = Until (HH:MM; empty for the rest of the day)
staff-calendar-close = Close and tell the customers
staff-calendar-saved = Calendar saved. The public pages offer the new times now.
staff-calendar-closed = Closure saved. { $count ->
    [one] { $count } appointment inside it was cancelled and its customer told.
   *[other] { $count } appointments inside it were cancelled and their customers told.
}
staff-calendar-err-calendar-time = Enter the time as HH:MM, for example 08:00.
staff-calendar-err-calendar-order = The office must close after it opens.
staff-calendar-err-calendar-weekday = Tick at least one day of the week.
staff-calendar-err-calendar-range = Enter a whole number from { $low } to { $high }.
staff-calendar-err-closure-day = Enter the day as YYYY-MM-DD.
staff-calendar-err-closure-past = A closure cannot be in the past.
staff-calendar-err-closure-time = Enter the time as HH:MM.
staff-calendar-err-closure-order = The closure must end after it starts.
staff-calendar-err-closure-reason = Give the reason, in up to 200 characters.

## Days of the week
staff-weekday-monday = Monday
staff-weekday-tuesday = Tuesday
staff-weekday-wednesday = Wednesday
staff-weekday-thursday = Thursday
staff-weekday-friday = Friday
staff-weekday-saturday = Saturday
staff-weekday-sunday = Sunday

## Processing times: the overview
staff-pt-title = Processing times
staff-pt-intro = What is posted for each form and office, beside what CRIS suggests from the cases decided in the last year:
    the median time from receipt to decision (the lower figure) and the time within which 80{"\u00A0"}% were decided (the upper figure).
staff-pt-computed = Suggestions computed { $at }; they are computed again every day.
staff-pt-not-computed = No suggestions yet: they are computed every day from decided cases.
staff-pt-form = Form
staff-pt-all-forms = All forms
staff-pt-caption-all = Every form and office
staff-pt-caption-form = { $form } at every office
staff-pt-posted = Posted
staff-pt-suggested = Suggested
staff-pt-decisions = Decisions counted
staff-pt-action = Action
staff-pt-nothing-posted = Nothing posted
staff-pt-suggested-range = { $median } to { $p80 } months
staff-pt-differs = Differs
staff-pt-too-few = Too few decisions
staff-pt-review = Review { $form } at { $office }
staff-pt-nothing = Nothing is posted or suggested.
staff-pt-nothing-for = Nothing is posted or suggested for { $form }.

## Processing times: one form at one office
staff-pt-line = { $form } at { $office }
staff-pt-breadcrumbs = Breadcrumbs
staff-pt-line-intro = { $title }, { $office }.
staff-pt-published = Posted { $key }, dated today. The public pages and the processing-times API show the new figures within a minute.
staff-pt-suggestion-html = Median <strong>{ $median } months</strong>, 80th percentile <strong>{ $p80 } months</strong>,
    from { $cases } cases decided in the year to { $as_of } (computed { $computed }).
staff-pt-no-suggestion = Too few cases of this form were decided at this office in the last year to suggest figures.
staff-pt-publish = Publish
staff-pt-publish-intro = The lower figure is what most cases take, the upper one the time within which 80{"\u00A0"}% are decided. Publishing dates the figures today;
    cases received before today less the upper figure may then ask about their case (the service-request date).
staff-pt-posted-now = Posted now: { $posted }.
staff-pt-nothing-posted-yet = Nothing posted yet.
staff-pt-low = Lower figure
staff-pt-high = Upper figure
staff-pt-unit = Unit
staff-pt-months = Months
staff-pt-weeks = Weeks
staff-pt-publish-key = Publish { $key }
staff-pt-nothing-to-start = Nothing is posted for this form at this office and there is no suggestion to start from.
staff-pt-range = { $low } to { $high } { $unit ->
    [weeks] weeks
   *[months] months
}
staff-pt-current = { $range }, published { $date }

## Office productivity report
staff-report-title = Office productivity report
staff-report-officer = Officer
staff-report-all-officers = All officers
staff-report-first-day = First day
staff-report-last-day = Last day
staff-report-date-hint = YYYY-MM-DD
staff-report-run = Run the report
staff-report-heading = { $office }, { $from } to { $to }
staff-report-waiting = Waiting (arrival to call)
staff-report-service = Service (start to end)
staff-report-times = { $count ->
    [one] { $count } visit
   *[other] { $count } visits
}, mean { $mean } minutes, 90th percentile { $p90 } minutes
staff-report-trend = Trend
staff-report-chart-visits = Visits served a day
staff-report-chart-wait = Mean wait a day, in minutes
staff-report-chart-description = One bar a day; the table below gives the figures.
staff-report-chart-day = Day
staff-report-chart-visits-axis = Visits served
staff-report-chart-wait-axis = Mean wait (minutes)
staff-report-chart-table = The same figures as a table
staff-report-by-type = Appointments and visits by type
staff-report-booked = Booked
staff-report-cancelled = Cancelled
staff-report-with-appointment = Visits with appointment
staff-report-walk-ins = Walk-ins
staff-report-served = Served
staff-report-no-shows = No-shows
staff-report-download = Download this table (CSV)
staff-report-officers = Officers
staff-report-no-visits = No visits were served in this range.
staff-report-visits = Visits
staff-report-hours = Hours at the counter
staff-report-per-hour = Visits an hour
staff-report-serving = Minutes serving
staff-report-idle = Minutes idle
staff-report-days = Day by day
staff-report-day = Day
staff-report-arrivals = Arrivals
staff-report-mean-wait = Mean wait (minutes)
staff-report-choose-table = Choose the days, services or officers table.

## Registered representatives
staff-reps-title = Representatives
staff-reps-heading = Registered representatives
staff-reps-intro = Attorneys, accredited representatives and community-based organizations ask from their customer account to be registered. Once approved they hold several appointments at once, booking for their clients. Every decision is audited and emailed to the customer.
staff-reps-none = No requests.
staff-reps-caption = Requests waiting first, then registrations
staff-reps-organization = Organization
staff-reps-kind = Kind
staff-reps-account = Account
staff-reps-asked = Asked
staff-reps-decision = Decision
staff-reps-approve = Approve
staff-reps-refuse = Refuse
staff-reps-revoke = Revoke
staff-reps-decided-approve = Approved. The customer has been emailed.
staff-reps-decided-refuse = Refused. The customer has been emailed.
staff-reps-decided-revoke = Revoked. The customer has been emailed.

## Call-centre scripts: search and browse
staff-scripts-title = Scripts
staff-scripts-heading = Call-centre scripts
staff-scripts-intro = Approved answers to read to callers, in English and Spanish. Search by words (spelling mistakes and missing accents are fine) or browse by topic or form.
staff-scripts-new = Write a new script
staff-scripts-search-label = Scripts
staff-scripts-words = Words
staff-scripts-any-topic = Any topic
staff-scripts-any-form = Any form
staff-scripts-language = Language
staff-scripts-any-language = English or Spanish
staff-scripts-search = Search
staff-scripts-results = Results
staff-scripts-no-match = No approved script matches. Try other words, fewer words or another filter.
staff-scripts-best = { $count ->
    [one] The best match.
   *[other] The best { $count } matches, best first.
}
staff-scripts-none-listed = No approved script for this topic or form yet.
staff-scripts-listed-caption = Approved scripts, by title
staff-scripts-spanish-title = Spanish title
staff-scripts-topics = Topics
staff-scripts-none-approved = No script has been approved yet.
staff-scripts-topic-count = { $count ->
    [one] ({ $count } script)
   *[other] ({ $count } scripts)
}

## Call-centre scripts: one script
staff-script-heading = Script { $id }
staff-script-all = All scripts
staff-script-topic = Topic
staff-script-form = Form
staff-script-title = Title
staff-script-english = English
staff-script-spanish = Spanish
staff-script-meta-form = Form { $form }
staff-script-meta-version = version { $version }
staff-script-meta-version-approved = version { $version }, approved { $on }
staff-script-used = Used on this call
staff-script-call-ref = Call reference
staff-script-call-ref-hint = As the telephone system shows it, for example NCSC-2026-004211.
staff-script-receipt = Receipt number
staff-script-receipt-hint = The caller's case, for example EAC9999103403.
staff-script-not-approved = Not approved yet: call-centre staff do not see it.
staff-script-headquarters = For headquarters
staff-script-uses = { $count ->
    [one] Used on { $count } call.
   *[other] Used on { $count } calls.
}
staff-script-open-returned = Version { $version } is returned to the authors.
staff-script-open-waiting = Version { $version } is waiting for approval.
staff-script-change-draft = Change the draft
staff-script-next-version = Write the next version
staff-script-versions = Versions, newest first
staff-script-version = Version
staff-script-written = Written
staff-script-decided = Decided
staff-script-note-or-reason = Note or reason
staff-script-shown = (shown)
staff-script-by-at = { $by }, { $at }
staff-script-changed-by = changed by { $by }, { $at }
staff-script-returned-because = Returned: { $reason }
staff-script-done-used = Recorded: this script answered the call.
staff-script-done-drafted = Draft saved. It waits for another headquarters member to approve it.

## Call-centre scripts: writing a draft
staff-script-form-new = New script
staff-script-form-next = Next version of script { $id }
staff-script-form-intro = Write the answer in both languages as call-centre staff will read it to callers. Another headquarters member approves it before anyone sees it; leave a blank line between paragraphs.
staff-script-form-returned = Version { $version } was returned
staff-script-form-choose-topic = Choose a topic
staff-script-form-no-form = No particular form
staff-script-form-title-in = Title in { $language }
staff-script-form-text-in = Text in { $language }
staff-script-form-note = Note to the approver
staff-script-form-note-hint = What changed and why, or the regulation it follows.
staff-script-form-send = Send for approval

## Call-centre scripts: the approvers' queue
staff-script-review-title = Script review
staff-script-review-intro = Drafts waiting for approval, oldest first. Approving makes a version what call-centre staff read; returning sends it back to its authors with your reason. You cannot decide a draft you wrote.
staff-script-review-not-recorded = The decision was not recorded
staff-script-review-empty = No draft is waiting.
staff-script-review-draft = Script { $id }, version { $version }: { $title }
staff-script-review-written-by = written by { $by }, { $at }
staff-script-review-replaces = Replaces version { $version }, “{ $title }”.
staff-script-review-in-use = See the version in use
staff-script-review-for-script = for script { $id }
staff-script-review-new = A new script.
staff-script-review-note = Note from the author:
staff-script-review-own = You wrote this draft: another approver must decide it.
staff-script-review-approve = Approve
staff-script-review-which = script { $id }, version { $version }
staff-script-review-reason = Reason for returning
staff-script-review-return = Return to the authors
staff-script-review-choose = Choose to approve or return the draft.
staff-script-review-approved = Approved. Call-centre staff now read the new version of script { $id }.
staff-script-review-returned = Returned to the authors of script { $id }, with your reason.

## Surveys (R-SV-01, R-SV-04, R-SV-06)
staff-nav-surveys = Surveys
staff-nav-survey-opt-out = Survey opt-out
staff-surveys-title = Satisfaction surveys
staff-surveys-intro = Customers are invited after their visit, in their language, and answer anonymously. Reports show each survey's answers by office and period.
staff-surveys-new = Write a survey
staff-surveys-created = The survey was saved. Invitations start with the next visits it covers.
staff-surveys-none = No survey has been written yet.
staff-surveys-caption = Surveys, newest first
staff-surveys-survey = Survey
staff-surveys-omb = OMB control number
staff-surveys-expires = Approval expires
staff-surveys-state = State
staff-surveys-active = Inviting
staff-surveys-expired = Expired
staff-surveys-report = Report
staff-surveys-report-of = Report of { $title }
staff-survey-form-title = Write a survey
staff-survey-form-intro = Every text in English and Spanish. The OMB control number, its expiry and the burden are shown on every survey page with the Paperwork Reduction Act statement; after the expiry the survey neither invites nor accepts answers.
staff-survey-form-fix = Fix these to save the survey
staff-survey-form-title-en = Title in English
staff-survey-form-title-es = Title in Spanish
staff-survey-form-omb = OMB control number
staff-survey-form-expires = Approval expires on
staff-survey-form-burden = Burden in minutes
staff-survey-form-offices = Offices covered
staff-survey-form-offices-hint = Field office codes separated by spaces; leave empty for every office.
staff-survey-form-services = Visit types covered
staff-survey-form-services-hint = Service codes separated by spaces ({ $codes }); leave empty for every one.
staff-survey-form-question = Question { $n }
staff-survey-form-kind = Kind
staff-survey-form-unused = Not used
staff-survey-kind-scale = Agreement, 1 to 5
staff-survey-kind-choice = One choice of several
staff-survey-kind-text = Free text
staff-survey-form-text-en = Wording in English
staff-survey-form-text-es = Wording in Spanish
staff-survey-form-choices-en = Choices in English, one a line
staff-survey-form-choices-es = Choices in Spanish, one a line, same order
staff-survey-form-save = Save the survey
staff-survey-opt-out-title = Record a survey opt-out
staff-survey-opt-out-intro = A customer who asks not to be invited to surveys or focus groups again: enter their email address. Only a keyed hash of it is kept.
staff-survey-opt-out-email = Customer's email address
staff-survey-opt-out-record = Record the opt-out
staff-survey-opt-out-done = The opt-out was recorded. This address will not be invited again.
staff-survey-report-title = Survey report: { $title }
staff-survey-report-all-offices = Every office
staff-survey-report-from = From
staff-survey-report-to = To
staff-survey-report-period = Answers of ISO weeks { $from } to { $to }.
staff-survey-report-csv = Download as CSV
staff-survey-report-fewer = Fewer than 5 answers: nothing is shown, so that no one can be recognised.
staff-survey-report-responses = { $count ->
    [one] 1 response
   *[other] { $count } responses
}
staff-survey-report-no-text = No written answers.
staff-survey-report-table = Answers to question { $n }
staff-survey-report-answer = Answer
staff-survey-report-count = Answers
staff-survey-chart-title = Question { $n }: { $question }
staff-survey-chart-desc = Bars: the number of answers (vertical axis) for each value (horizontal axis). The table below holds the same figures.
staff-survey-chart-scale-axis = Answer (1 strongly disagree to 5 strongly agree)
staff-survey-chart-choice-axis = Answer
staff-survey-chart-count-axis = Responses
staff-survey-scale-1 = 1 strongly disagree
staff-survey-scale-2 = 2 disagree
staff-survey-scale-3 = 3 neither
staff-survey-scale-4 = 4 agree
staff-survey-scale-5 = 5 strongly agree

## The staff menu's jobs (issue 17, point 9)
staff-job-front-desk = Front desk
staff-job-lobby = Lobby
staff-job-service-requests = Service requests
staff-job-call-centre = Call centre
staff-job-headquarters = Headquarters
staff-job-administration = Administration

## Service requests' codes in words (issue 17, point 12)
staff-sr-issue-late = Outside processing time
staff-sr-issue-notice = Notice not received
staff-sr-issue-typo = Typing mistake on a notice
staff-sr-issue-card = Card or document not received
staff-sr-issue-beneficiary = Changed beneficiary information
staff-sr-issue-accommodation = Accommodation for a disability
staff-sr-channel-online = Online
staff-sr-channel-phone = Telephone
staff-sr-channel-letter = Letter
staff-sr-channel-office = Office visit
staff-sr-status-open = Open
staff-sr-status-assigned = Assigned
staff-sr-status-on_hold = On hold
staff-sr-status-resolved = Resolved
staff-sr-event-filed = Filed
staff-sr-event-routed = Routed
staff-sr-event-assigned = Assigned
staff-sr-event-reassigned = Reassigned
staff-sr-event-redirected = Redirected
staff-sr-event-held = Put on hold
staff-sr-event-released = Taken off hold
staff-sr-event-letter = Response letter
staff-sr-event-email = Email
staff-sr-event-phone = Telephone call
staff-sr-event-resolved = Resolved
staff-lang-en = English
staff-lang-es = Spanish

## Focus groups (R-SV-05, R-RT-02)
staff-nav-focus-groups = Focus groups
staff-focus-title = Focus groups
staff-focus-intro = A focus group invites, by email and at random, customers of an office's appointments who gave an email address and did not opt out. Of those who accept, only the first name and telephone are kept, and they are deleted within 120 days of contact; nothing is kept of the others.
staff-focus-new = Define a focus group
staff-focus-none = No focus group has been defined yet.
staff-focus-caption = Focus groups, newest first, with the counts of each draw
staff-focus-office = Group
staff-focus-group-link = { $office } group { $id }
staff-focus-date = Meets on
staff-focus-size = Asked for
staff-focus-drawn = Invited
staff-focus-accepted = Accepted
staff-focus-declined = Declined
staff-focus-unanswered = No answer by the reply-by day
staff-focus-awaiting = Awaiting an answer
staff-focus-form-title = Define a focus group
staff-focus-form-intro = Saving draws the group at once: the number asked, at random, among the office's appointment customers with an email address who did not opt out, and emails each an invitation in their language.
staff-focus-form-fix = Fix these to define the group
staff-focus-form-office = Field office
staff-focus-form-choose = Choose an office
staff-focus-form-date = Meets on
staff-focus-form-place = Place
staff-focus-form-place-hint = Address, room and time, as the invitation should say them.
staff-focus-form-size = Number to invite
staff-focus-form-size-hint = From 1 to 50.
staff-focus-form-reply-by = Reply by
staff-focus-form-reply-by-hint = After today and before the meeting; invitations not answered by then are deleted.
staff-focus-form-pra = Paperwork Reduction Act approval (if the group is held under one)
staff-focus-form-pra-hint = Leave the three empty if none applies; otherwise the invitation page shows them in the Paperwork Reduction Act statement.
staff-focus-form-omb = OMB control number
staff-focus-form-omb-expires = Approval expires on
staff-focus-form-burden = Burden in minutes
staff-focus-form-save = Define and draw
staff-focus-status-title = Focus group
staff-focus-status-heading = Focus group at { $office } on { $date }
staff-focus-created = { $count ->
    [one] The group was drawn: 1 customer invited of { $size } asked for.
   *[other] The group was drawn: { $count } customers invited of { $size } asked for.
}
staff-focus-place = Place
staff-focus-reply-by = Reply by
staff-focus-pra = Paperwork Reduction Act
staff-focus-pra-value = OMB control number { $omb }, until { $expires }
staff-focus-pra-none = Not held under an OMB approval
staff-focus-counts-caption = The draw, in counts only
staff-focus-state = State
staff-focus-people = Customers
staff-focus-contacts-note = Those who accepted gave a first name and a telephone number. Showing them is recorded in the audit trail.
staff-focus-show-contacts = Show the contacts of those who accepted
staff-focus-contacts-title = Focus group contacts
staff-focus-contacts-heading = Contacts for the focus group at { $office } on { $date }
staff-focus-contacts-intro = First name and telephone of each customer who accepted, the only things kept; they are deleted within 120 days of contact. This view was recorded in the audit trail.
staff-focus-contacts-none = No one has accepted yet.
staff-focus-contacts-caption = Customers who accepted, in the order they answered
staff-focus-first-name = First name
staff-focus-phone = Telephone
staff-focus-back = Back to the focus group
## Retention engine (retention)
staff-nav-retention = Retention
staff-retention-title = Retention and legal holds
staff-retention-intro = Every purge of records past their time leaves a certificate here: what kinds of record went and how many, never which ones.
staff-retention-certificates = Purge certificates
staff-retention-certificates-caption = Purge runs, newest first
staff-retention-none = No purge has run yet.
staff-retention-run = Run
staff-retention-when = Started
staff-retention-by = Run by
staff-retention-policy = Policy version
staff-retention-removed = Removed
staff-retention-total = { $count } in all
staff-retention-version = Rules { $version }
staff-retention-lives = How long each kind lives
staff-retention-life = { $kind }: { $days ->
    [0] until it expires
    [one] 1 day
   *[other] { $days } days
}
staff-retention-removed-line = { $kind }: { $count }, dated before { $day }
staff-retention-kind-appointments = Appointments
staff-retention-kind-lobby_tickets = Lobby tickets
staff-retention-kind-visit_notes = Visit notes
staff-retention-kind-survey_invitations = Survey invitations
staff-retention-kind-focus_contacts = Focus-group contacts
staff-retention-kind-service_requests = Service requests
staff-retention-kind-address_changes = Address changes
staff-retention-kind-outbox = Sent email and texts
staff-retention-kind-sessions = Sessions and sign-ins
staff-retention-kind-portfolio_recovery = Portfolio recovery links
staff-retention-kind-throttles = Security counters
staff-retention-kind-sharing_records = International sharing records
staff-retention-holds = Legal holds
staff-retention-holds-caption = Records kept past their time
staff-retention-no-holds = No record is held.
staff-retention-hold-record = Record
staff-retention-hold-reason = Reason
staff-retention-hold-placed = Placed by
staff-retention-hold-release = Release
staff-retention-place = Place a legal hold
staff-retention-kind = Kind of record
staff-retention-record = Record number
staff-retention-reason = Reason (matter or case reference)
staff-retention-no-record = No record of that kind has this number (or it was purged already).

## Service requests: a refused assignment from the list (issue 17)
staff-srs-fix = Fix this to assign the requests

## International Case Tracking System (icts, issue 20)
staff-nav-icts = Partner queries (ICTS)
staff-icts-title = Partner queries
staff-icts-unsent = { $count ->
    [one] 1 answer waits for IDENT; it is tried again every minute.
   *[other] { $count } answers wait for IDENT; they are tried again every minute.
}
staff-icts-open = Open cases
staff-icts-open-caption = Cases to answer, earliest due first
staff-icts-overdue = Overdue
staff-icts-overdue-caption = Cases past their due date
staff-icts-sent = Sent
staff-icts-sent-caption = Latest answers sent
staff-icts-case = Case
staff-icts-partner = Partner
staff-icts-partner-CAN = Canada
staff-icts-partner-AUS = Australia
staff-icts-priority = Priority
staff-icts-priority-high = High (2 working days)
staff-icts-priority-medium = Medium (5 working days)
staff-icts-priority-low = Low (10 working days)
staff-icts-name = Name
staff-icts-received = Received
staff-icts-due = Due
staff-icts-late = Overdue
staff-icts-state = Stage
staff-icts-state-received = Received
staff-icts-state-assigned = Assigned
staff-icts-state-prepared = Prepared, awaiting approval
staff-icts-state-approved = Approved, leaving through IDENT
staff-icts-state-sent = Sent
staff-icts-analyst = Analyst
staff-icts-case-title = Partner query, case { $id }
staff-icts-query = Query control number
staff-icts-prepared-by = Prepared by
staff-icts-approved-by = Approved by
staff-icts-sent-at = Sent
staff-icts-request = The partner's request
staff-icts-requestor = Requestor
staff-icts-requested-on = Date of the request
staff-icts-reason = Reason
staff-icts-birth-date = Date of birth
staff-icts-birth-country = Country of birth
staff-icts-gender = Gender
staff-icts-aliases = Aliases
staff-icts-encounter = Encounter identifier
staff-icts-sequence = Query in the sequence
staff-icts-record = The person's record (CPMS)
staff-icts-record-fin = FIN
staff-icts-record-a-number = A-Number
staff-icts-record-name = Name
staff-icts-record-birth = Date of birth
staff-icts-record-country = Country of birth
staff-icts-record-gender = Gender
staff-icts-record-aliases = Aliases
staff-icts-record-encounters = Encounters
staff-icts-assign = Assign
staff-icts-choose-analyst = Choose an international analyst.
staff-icts-response = Response
staff-icts-response-hint = Only the fields the partner's agreement allows are offered. A second analyst approves the response before it leaves.
staff-icts-fields = Fields to disclose
staff-icts-field-18 = Name
staff-icts-field-19 = Aliases
staff-icts-field-20 = Country of birth
staff-icts-field-22 = Date of birth
staff-icts-field-24 = Gender
staff-icts-field-204 = Encounter identifier
staff-icts-field-205 = FIN
staff-icts-field-206 = A-Number
staff-icts-prepare = Save the response for approval
staff-icts-documents = Documents
staff-icts-bytes = { $count ->
    [one] 1 byte
   *[other] { $count } bytes
}
staff-icts-document-label = Document name
staff-icts-document = Document
staff-icts-document-hint = A PDF, JPEG or PNG of at most 5 MB.
staff-icts-attach = Attach
staff-icts-approval = Approval
staff-icts-approve = Approve and send
staff-icts-approve-other = A second analyst, not the one who prepared it, approves this response.
staff-icts-err-too-big = The file is larger than 5 MB.
staff-icts-err-not-document = The file is not a PDF, JPEG or PNG.
staff-icts-err-same-analyst = You prepared this response: a second analyst must approve it.
staff-icts-err-not-assignee = Only the analyst the case is assigned to may prepare its response.
staff-icts-err-wrong-stage = The case has moved on; look at it again.
## International sharing: CPMS (issue 20)
staff-job-sharing = International sharing
staff-nav-sharing-cases = Case sharing records
staff-nav-disclosures = Accounting of disclosures
staff-nav-agreements = Partner agreements
staff-sharing-find-title = Find a case's sharing record
staff-sharing-find-intro = Open the international sharing record of a case by its receipt number. Asylum and refugee officers see the cases assigned to them; fraud analysts see any case. Every view is recorded in the audit trail.
staff-sharing-receipt = Receipt number
staff-sharing-open = Open the record
staff-sharing-case-title = International sharing record of { $receipt }
staff-sharing-case-intro = Foreign-partner data is kept apart from other records and shown only to the officer assigned to the case and to fraud analysts. This view was recorded in the audit trail.
staff-sharing-person = Applicant
staff-sharing-fin = FIN
staff-sharing-name = Name
staff-sharing-birth = Born
staff-sharing-protected = Protected class
staff-sharing-not-protected = None on record
staff-sharing-class-t = T nonimmigrant (I-914)
staff-sharing-class-u = U nonimmigrant (I-918)
staff-sharing-class-vawa = VAWA self-petitioner (I-360)
staff-sharing-class-asylum = Asylum (I-589)
staff-sharing-class-refugee = Refugee (I-590, I-730)
staff-sharing-queries = Queries to partners
staff-sharing-queries-caption = USCIS's queries about the applicant, oldest first
staff-sharing-no-queries = No partner has been asked about the applicant.
staff-sharing-partner = Partner
staff-sharing-sequence = Query
staff-sharing-when = When
staff-sharing-officer = Officer
staff-sharing-answer = Answer
staff-sharing-match = Match
staff-sharing-no-match = No match
staff-sharing-pending = No answer yet
staff-sharing-exchanges = Exchanges
staff-sharing-exchanges-caption = Every query and answer about the applicant, as exchanged
staff-sharing-no-exchanges = Nothing has been exchanged about the applicant.
staff-sharing-what = Exchange
staff-sharing-result = Outcome
staff-sharing-fields = Fields
staff-sharing-direction-in = Received
staff-sharing-direction-out = Sent
staff-sharing-kind-query = query
staff-sharing-kind-answer = answer
staff-sharing-outcome-match = Match
staff-sharing-outcome-no-match = No match
staff-sharing-outcome-withheld = Withheld (protected)
staff-sharing-outcome-refused = Refused
staff-sharing-ask = Ask a partner
staff-sharing-ask-intro = The first query asks whether the partner knows the applicant's fingerprints; after a match, a second query for more information goes out by itself. You may then send a third.
staff-sharing-send = Send the query
staff-disclosures-title = Accounting of disclosures
staff-disclosures-intro = Every disclosure of a person's record to a foreign partner, as the Privacy Act requires an agency to account for it (5 U.S.C. 552a(c)): to whom, when, which fields, why, under which agreement and who approved. Every view is recorded in the audit trail.
staff-disclosures-show = Show the accounting
staff-disclosures-of = Disclosures of FIN { $fin }
staff-disclosures-none = Nothing of this person has been disclosed.
staff-disclosures-caption = Disclosures, oldest first
staff-disclosures-to = To
staff-disclosures-purpose = Purpose
staff-disclosures-agreement = Agreement
staff-disclosures-agreement-days = in force { $from } to { $to }
staff-disclosures-approved = Approved by
staff-disclosures-csv = Download as CSV
staff-agreements-title = Partner agreements
staff-agreements-intro = The agreements under which USCIS exchanges fingerprint queries with foreign partners: the days each is in force and the fields each direction may carry. A query to or from a partner without an agreement in force that day is refused and logged.
staff-agreements-none = No agreement is recorded.
staff-agreements-caption = Agreements by partner
staff-agreements-from = In force from
staff-agreements-to = In force to
staff-agreements-in-force = In force today
staff-agreements-yes = Yes
staff-agreements-no = No
staff-agreements-out = Fields USCIS may send
staff-agreements-in = Fields the partner may send
staff-agreements-template = Request template

staff-agreements-id = Agreement
staff-agreements-actions = Change
staff-agreements-end = End
staff-agreements-end-label = End agreement { $id }
staff-agreements-entered = Agreement { $id } is recorded.
staff-agreements-ended = Agreement { $id } has its new last day in force.
staff-agreements-enter = Enter an agreement
staff-agreements-enter-intro = Headquarters records each agreement once it is signed. Its days may not overlap those of another agreement with the same partner. An agreement is never deleted, only ended: the disclosures made under it name it.
staff-agreements-choose = Choose one
staff-agreements-day-hint = For example: January 31, 2027 (type it or pick it from the calendar).
staff-agreements-template-hint = The partner's request template, named by its code.
staff-agreements-save = Enter the agreement
staff-agreements-end-title = End agreement { $id }
staff-agreements-end-intro = Ending sets the agreement's last day in force: today or a later day, not after its current last day. Days already past stay in force, since disclosures were made under them. From the day after, queries to and from the partner are refused unless another agreement is in force.
staff-agreements-last-day = Last day in force
staff-agreements-review = Review the change
staff-agreements-confirm-title = Confirm the last day
staff-agreements-confirm = Agreement { $id } with { $partner } will be in force until { $last } instead of { $was }. This cannot be undone.
staff-agreements-confirm-yes = End the agreement
staff-agreements-change-day = Choose another day
staff-agreements-back = Back to the agreements

## Staff accounts and security alerts, worded by the staff service (the command line prints the refusals too)
staff-users-err-office = Choose an office from the list.
staff-users-err-display-name = Enter the person's name (up to 100 characters).
staff-users-err-username-taken = This user name is taken.
staff-users-err-reason = Say why the account is deactivated.
staff-alert-email-subject = CRIS security alert: { $kind }
staff-alert-email-body =
    CRIS security alert ({ $kind })

    When: { $at }
    User: { $user }
    From: { $ip }
    Office: { $office }

    { $detail }

    Review open alerts on the CRIS staff site under Administration, Security alerts.
