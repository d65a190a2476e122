//! The binary itself: configuration mistakes exit 2 with one line; the subcommands work.

use std::process::Command;

use crate::support::TestDb;

fn cris() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cris"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CRIS_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

#[test]
fn bad_configuration_exits_2_with_one_line() {
    let dir = std::env::temp_dir().join(format!("cris-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad_file = dir.join("bad.toml");
    std::fs::write(&bad_file, "listen = 12\n").unwrap();
    let bad_retention = dir.join("retention.toml");
    std::fs::write(&bad_retention, "[retention]\nappointments_days = 90\n").unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec!["--database-url".into(), "mysql://x/y".into(), "migrate".into()],
        vec!["serve".into(), "--listen".into(), "not-an-address".into()],
        vec!["--config".into(), bad_file.display().to_string(), "migrate".into()],
        vec!["--config".into(), "/nonexistent/cris.toml".into(), "migrate".into()],
        vec![
            "serve".into(),
            "--tls-cert".into(),
            "/nonexistent.pem".into(),
            "--tls-key".into(),
            "/nonexistent.key".into(),
        ],
        vec!["frobnicate".into()],
        // The retention settings (R-RT-01): a life longer than the documents allow.
        vec!["--config".into(), bad_retention.display().to_string(), "retention".into(), "plan".into()],
    ];
    for args in cases {
        let out = cris().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one line, got {stderr:?}");
        assert!(!stderr.contains("panicked"));
    }
    // An environment variable is read when no flag is given.
    let out = cris().env("CRIS_DATABASE_URL", "mysql://x/y").arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn migrate_and_seed_subcommands() {
    let db = TestDb::new().await;
    let out = cris().args(["--database-url", &db.url, "migrate"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("offices"));
    let out = cris()
        .args(["--database-url", &db.url, "seed", "demo", "--cases", "500", "--as-of", "2026-01-15"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("loaded 577 cases"), "{stdout}");
    // A second load is refused with a reason.
    let out = cris().args(["--database-url", &db.url, "seed", "demo", "--cases", "5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already loaded"));
}

// R-IS-08
// Operators enter, list and end agreements from the command line under the staff page's rules
// (an overlap, an unknown field, an end in the past refused, exit 1, nothing written), each
// change audited as `command:<user>`.
#[tokio::test]
async fn sharing_agreements_from_the_command_line() {
    let db = TestDb::new().await;
    let run = |args: &[&str]| {
        let out = cris().env("USER", "operator1").args(["--database-url", &db.url]).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = run(&["migrate"]);
    assert_eq!(code, Some(0), "{err}");
    let add = ["sharing", "agreement", "add", "--partner", "CAN", "--from", "2026-01-01", "--to", "2099-12-31"];
    let (code, out, err) = run(&[&add[..], &["--outbound", "18,2.022", "--inbound", "18,22,24"]].concat());
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.starts_with("entered 1\tCAN\t2026-01-01 to 2099-12-31\tin force\tout 18,22\tin 18,22,24\ttemplate CAN"),
        "{out}"
    );
    let (code, _, err) = run(&[&add[..], &["--outbound", "18", "--inbound", "18"]].concat());
    assert_eq!(code, Some(1));
    assert!(err.contains("the days overlap"), "{err}");
    let other = ["sharing", "agreement", "add", "--partner", "AUS", "--from", "2026-01-01", "--to", "2099-12-31"];
    let (code, _, err) = run(&[&other[..], &["--outbound", "18,999", "--inbound", "18"]].concat());
    assert_eq!(code, Some(1));
    assert!(err.contains("999 is not a Type-2 field"), "{err}");
    let (code, _, err) = run(&["sharing", "agreement", "end", "--id", "1", "--last-day", "2020-01-01"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("cannot be ended in the past"), "{err}");
    let (code, _, err) = run(&["sharing", "agreement", "end", "--id", "7", "--last-day", "2090-01-01"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no agreement 7"), "{err}");
    let (code, out, err) = run(&["sharing", "agreement", "end", "--id", "1", "--last-day", "2090-01-01"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("ended 1\tCAN\t2026-01-01 to 2090-01-01"), "{out}");
    let (code, out, _) = run(&["sharing", "agreement", "list"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("2026-01-01 to 2090-01-01"), "{out}");

    let pool = cris::kernel::db::Db::connect(&db.url, 1).await.unwrap();
    let rows: Vec<(String, String)> = cris::with_db!(&pool, p => {
        sqlx::query_as("SELECT event, username FROM audit_log WHERE event LIKE 'cpms.agreement.%' ORDER BY id").fetch_all(p).await.unwrap()
    });
    pool.close().await;
    assert_eq!(
        rows,
        vec![
            ("cpms.agreement.enter".to_owned(), "command:operator1".to_owned()),
            ("cpms.agreement.end".to_owned(), "command:operator1".to_owned())
        ]
    );
}
