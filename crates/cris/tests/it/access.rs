//! Staff access: the allow/deny matrix of every staff route for every role, in and out of the
//! actor's office (R-AU-01, R-AU-02), with refusals recorded and alerted (R-AU-05, R-AU-07).

use cris::kernel::access::Role;

use crate::support::TestApp;

/// The expected answer of each staff route, per role: ✔ allowed, ✘ refused. Written out by hand
/// (not derived from the policy under test); docs/ACCESS.md shows the same table.
const EXPECTED: &[(&str, &str)] = &[
    // route                                  tier1 tier2 iio siio iso recep dist region global hq asylum fraud intl
    ("GET /staff", "✔✔✔✔✔✔✔✔✔✔✔✔✔"),
    ("GET /staff/admin/users", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("GET /staff/admin/users/{in-office}", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("GET /staff/admin/users/{other-office}", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("POST /staff/admin/users (in-office)", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("POST /staff/admin/users (other-office)", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("POST /staff/admin/users/{in-office}/reset-code", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("POST /staff/admin/users/{other-office}/reset-code", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("POST /staff/admin/users/{in-office}/deactivate", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("POST /staff/admin/users/{other-office}/deactivate", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("POST /staff/admin/users/{in-office}/reinstate", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("POST /staff/admin/users/{other-office}/reinstate", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("GET /staff/admin/autolock", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("GET /staff/admin/alerts", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("GET /staff/admin/audit", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("GET /staff/admin/audit.csv", "✘✘✘✘✘✘✔✔✔✘✘✘✘"),
    ("GET /staff/admin/clients", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("POST /staff/admin/clients", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("GET /staff/representatives", "✘✘✘✘✘✘✘✘✔✘✘✘✘"),
    ("GET /staff/service-requests", "✔✔✔✔✘✘✘✘✘✔✘✘✘"),
    ("GET /staff/service-requests/new", "✔✔✘✘✘✘✘✘✘✘✘✘✘"),
    ("GET /staff/scripts", "✔✔✔✔✘✘✘✘✘✔✘✘✘"),
    ("GET /staff/scripts/new", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    ("GET /staff/scripts/review", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    ("GET /staff/surveys", "✘✘✘✔✘✘✔✔✔✔✘✘✘"),
    ("GET /staff/surveys/new", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    ("POST /staff/surveys/new", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    ("GET /staff/surveys/{survey}/report", "✘✘✘✔✘✘✔✔✔✔✘✘✘"),
    ("GET /staff/surveys/{survey}/report.csv", "✘✘✘✔✘✘✔✔✔✔✘✘✘"),
    ("GET /staff/surveys/opt-out", "✘✘✘✘✘✔✘✘✘✘✘✘✘"),
    ("POST /staff/surveys/opt-out", "✘✘✘✘✘✔✘✘✘✘✘✘✘"),
    // International sharing (issue 20): case records for asylum officers (their cases) and fraud
    // analysts; accounting and agreements for international analysts. The case is assigned to
    // no officer, so no officer may read it or ask about it.
    ("GET /staff/sharing/cases", "✘✘✘✘✘✘✘✘✘✘✔✔✘"),
    ("GET /staff/sharing/cases/IOE0900000900", "✘✘✘✘✘✘✘✘✘✘✘✔✘"),
    ("POST /staff/sharing/cases/IOE0900000900/queries", "✘✘✘✘✘✘✘✘✘✘✘✘✘"),
    ("GET /staff/sharing/disclosures", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("GET /staff/sharing/disclosures?fin=FIN100000007", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("GET /staff/sharing/disclosures.csv?fin=FIN100000007", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("GET /staff/sharing/agreements", "✘✘✘✘✘✘✘✘✘✔✘✘✔"),
    // Agreements are entered and ended by headquarters (R-IS-08); agreement 1 is the demo's
    // with Canada, in force.
    ("POST /staff/sharing/agreements", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    ("GET /staff/sharing/agreements/1/end", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    ("POST /staff/sharing/agreements/1/end", "✘✘✘✘✘✘✘✘✘✔✘✘✘"),
    // The case assigned to this matrix's asylum officer: they read it and may ask about it.
    ("GET /staff/sharing/cases/IOE0900000901", "✘✘✘✘✘✘✘✘✘✘✔✔✘"),
    ("POST /staff/sharing/cases/IOE0900000901/queries", "✘✘✘✘✘✘✘✘✘✘✔✘✘"),
];

// R-AU-01, R-AU-02, R-AU-07
// R-IS-03
// R-IS-08
// R-IS-09
#[tokio::test]
async fn every_staff_route_for_every_role() {
    let app = TestApp::new().await;
    let survey = crate::surveys::create_survey(&app, "2027-12-31").await.to_string();
    crate::cpms::matrix_case(&app).await;
    let mut failures = Vec::new();
    let mut denials = 0;
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let me = format!("actor.{}", role.as_str());
        let my_id = app.staff(&me, role, "NYC").await;
        if role == Role::AsylumOfficer {
            crate::cpms::matrix_case_of(&app, my_id).await;
        }
        let cookie = app.sign_in(&me).await;
        // Fresh records per role, so that one role's changes do not decide another's answer.
        let inside = app.staff(&format!("in.{}", role.as_str()), Role::Iso, "NYC").await;
        let outside = app.staff(&format!("out.{}", role.as_str()), Role::Iso, "LOS").await;
        for (route, expected) in EXPECTED {
            let want = expected.chars().nth(i).unwrap() == '✔';
            let route =
                route.replace("{in-office}", &inside.to_string()).replace("{other-office}", &outside.to_string());
            let route = route.replace("{survey}", &survey);
            let (method, rest) = route.split_once(' ').unwrap();
            let path = rest.split(' ').next().unwrap();
            let status = if method == "GET" {
                app.get(path, &[("cookie", &cookie)]).await.0
            } else {
                let office = if rest.contains("(other-office)") { "LOS" } else { "NYC" };
                let new_user = format!("new.{}.{}", role.as_str(), office.to_lowercase());
                let form: Vec<(&str, &str)> = match path {
                    "/staff/admin/users" => vec![
                        ("username", &new_user),
                        ("display_name", "New Person"),
                        ("email", "new.person@cris.test"),
                        ("role", "iso"),
                        ("office", office),
                        ("password", "a perfectly fine pass phrase"),
                    ],
                    "/staff/admin/clients" => {
                        vec![("name", "Matrix client"), ("rate_per_second", "5"), ("daily_quota", "100")]
                    }
                    p if p.ends_with("/deactivate") => vec![("reason", "matrix test")],
                    "/staff/surveys/opt-out" => vec![("email", "matrix.test@example.com")],
                    _ => vec![],
                };
                app.post_form(path, &cookie, &form).await.0
            };
            // 422: past the access check, refused for its (here empty) form.
            let allowed = matches!(status, 200 | 303 | 422);
            if status != 403 && !allowed {
                failures.push(format!("{}: {route} answered {status}", role.as_str()));
            } else if allowed != want {
                failures.push(format!(
                    "{}: {route} {} but expected {}",
                    role.as_str(),
                    if allowed { "allowed" } else { "refused" },
                    if want { "allowed" } else { "refused" }
                ));
            }
            if !allowed {
                denials += 1;
            }
        }
    }
    assert!(failures.is_empty(), "access matrix differs:\n{}", failures.join("\n"));

    // Every refusal is in the security log and raised as an alert (counted on the account's
    // alert of the hour, one email an hour per account).
    let (denied_rows, alerts): (i64, i64) = cris::with_db!(&app.db, pool => {
        let d = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND event = 'access.denied'").fetch_one(pool).await.unwrap();
        let a = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(occurrences), 0) AS BIGINT) FROM security_alerts WHERE kind IN ('permission_denied', 'other_office')").fetch_one(pool).await.unwrap();
        (d, a)
    });
    assert_eq!(denied_rows, denials);
    assert_eq!(alerts, denials);
}

// R-IS-09
// IDENT's inbound API takes IDENT's bearer token, never a staff session: every role is answered
// 401 and nothing is stored.
#[tokio::test]
async fn no_staff_session_posts_to_ident_s_inbound_api() {
    let app = TestApp::new().await;
    for role in Role::ALL {
        let me = format!("ident.{}", role.as_str());
        app.staff(&me, role, "NYC").await;
        let cookie = app.sign_in(&me).await;
        let headers = [("cookie", cookie.as_str()), ("content-type", "application/json")];
        let body = r#"{"kind": "query", "partner": "CAN", "tcn": "CAN-1", "transaction": ""}"#;
        let (status, _, problem) = app.request("POST", "/ident/v1/transactions", &headers, body).await;
        assert_eq!(status, 401, "{}: {problem}", role.as_str());
    }
    let stored: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM cpms_exchanges").fetch_one(pool).await.unwrap()
    });
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn staff_pages_need_a_session_and_forms_need_the_csrf_token() {
    let app = TestApp::new().await;
    let (status, headers, _) = app.get("/staff/admin/users", &[]).await;
    assert_eq!(status, 303);
    assert_eq!(headers.get("location").unwrap(), "/staff/sign-in");
    app.staff("boss", Role::GlobalAdmin, "NYC").await;
    let cookie = app.sign_in("boss").await;
    let (status, _, body) = app.post_form("/staff/admin/clients", &cookie, &[("csrf", "forged"), ("name", "x")]).await;
    assert_eq!(status, 403);
    assert!(body.contains("Form expired"));
    // A forged session token is no session.
    let (status, _, _) = app.get("/staff", &[("cookie", "cris_staff=forged")]).await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn district_admins_see_only_their_district() {
    let app = TestApp::new().await;
    app.staff("dist", Role::DistrictAdmin, "NYC").await;
    app.staff("near", Role::Iso, "NYC").await;
    app.staff("far", Role::Iso, "LOS").await;
    let cookie = app.sign_in("dist").await;
    let (status, _, body) = app.get("/staff/admin/users", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains(">near<") && body.contains(">dist<"));
    assert!(!body.contains(">far<"), "another region's staff are not listed");
}
