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
