//! A small W3C WebDriver client for the browser tests: Debian's `chromedriver` driving a real
//! headless `chromium`. Only what the tests use.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// A chromedriver process and one browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    http: reqwest::Client,
    _profile: std::path::PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn find(candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|p| std::path::Path::new(p).exists()).map(|p| (*p).to_owned())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium.
    pub async fn start() -> Browser {
        let driver_bin = std::env::var("CHROMEDRIVER")
            .ok()
            .or_else(|| find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]))
            .expect("chromedriver not found: install Debian's chromium and chromium-driver (scripts/test does)");
        let chromium = std::env::var("CHROMIUM")
            .ok()
            .or_else(|| find(&["/usr/bin/chromium", "/usr/lib/chromium/chromium"]))
            .expect("chromium not found: install Debian's chromium (scripts/test does)");
        let port = free_port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        // reqwest is built without a default TLS provider; CRIS uses ring.
        cris::kernel::install_crypto_provider();
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("cris-chromium-{}", uuid::Uuid::new_v4().simple()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            // The page's console, read back by `console_errors`.
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                // No sandbox as root in CI; no background networking on a closed network.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--disable-quic", "--window-size=1280,1000",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let mut browser = Browser { driver, base, http, _profile: profile };
        let res = browser.call("POST", "/session", Some(caps)).await;
        let id = res["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {res}")).to_owned();
        browser.base = format!("{}/session/{id}", browser.base);
        browser
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let res = req.timeout(Duration::from_secs(60)).send().await.expect("webdriver request");
        let value: Value = res.json().await.expect("webdriver json");
        value.get("value").cloned().unwrap_or(Value::Null)
    }

    /// Opens a URL and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url}))).await;
    }

    /// Runs a script in the page and returns its result.
    pub async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// Runs an asynchronous script; it calls `arguments[arguments.length - 1]` with its result.
    pub async fn script_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.call("POST", "/timeouts", Some(json!({"script": 60_000}))).await;
        self.call("POST", "/execute/async", Some(json!({"script": script, "args": args}))).await
    }

    /// The WebDriver id of the first element matching a CSS selector.
    async fn element(&self, css: &str) -> String {
        let el = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css}))).await;
        el.as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no element {css}: {el}"))
            .to_owned()
    }

    /// The text of the first element matching a CSS selector, once the page holding it has
    /// loaded: after a click that posts a form, the element can be found in a page still loading
    /// and go stale before its text is read, which reads as no text at all.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await;
        for _ in 0..20 {
            let id = self.element(css).await;
            if let Some(text) = self.call("GET", &format!("/element/{id}/text"), None).await.as_str() {
                return text.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the text of {css} could not be read at {}", self.url().await);
    }

    /// Clicks the first element matching a CSS selector.
    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call("POST", &format!("/element/{id}/click"), None).await;
    }

    /// Types text into the first element matching a CSS selector.
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call("POST", &format!("/element/{id}/value"), Some(json!({"text": text}))).await;
    }

    /// Empties the first input matching a CSS selector.
    pub async fn clear(&self, css: &str) {
        let id = self.element(css).await;
        self.call("POST", &format!("/element/{id}/clear"), None).await;
    }

    /// Sets a cookie on the current page's site.
    pub async fn add_cookie(&self, name: &str, value: &str) {
        self.call("POST", "/cookie", Some(json!({"cookie": {"name": name, "value": value, "path": "/"}}))).await;
    }

    /// Removes a cookie from the current page's site.
    pub async fn delete_cookie(&self, name: &str) {
        self.call("DELETE", &format!("/cookie/{name}"), None).await;
    }

    /// An attribute of the first element matching a CSS selector.
    pub async fn attribute(&self, css: &str, name: &str) -> String {
        let id = self.element(css).await;
        self.call("GET", &format!("/element/{id}/attribute/{name}"), None).await.as_str().unwrap_or("").to_owned()
    }

    /// Waits (up to 10 s) until the URL ends with `suffix`, after a click that navigates.
    pub async fn wait_url(&self, suffix: &str) -> String {
        let mut url = String::new();
        for _ in 0..100 {
            url = self.url().await;
            if url.ends_with(suffix) && self.script("return document.readyState", vec![]).await == "complete" {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected a URL ending with {suffix}, still at {url}");
    }

    /// Waits (up to 10 s) until an element matching `css` is on a fully loaded page, after a
    /// click that navigates or posts a form.
    pub async fn wait_for(&self, css: &str) {
        let probe = "return document.readyState === 'complete' && document.querySelector(arguments[0]) !== null";
        for _ in 0..100 {
            if self.script(probe, vec![Value::from(css)]).await == true {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {css} appeared at {}", self.url().await);
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.call("GET", "/url", None).await.as_str().unwrap_or("").to_owned()
    }

    /// Runs axe-core on the page; returns the serious and critical violations as "id: help (n nodes)".
    pub async fn accessibility_violations(&self) -> Vec<String> {
        self.axe()
            .await
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{}: {} ({} nodes)", v["id"], v["help"], v["nodes"]))
            .collect()
    }

    /// Runs axe-core on the page; returns every violation, whatever its impact, as
    /// "id (impact): help (n nodes: the first node's selector)".
    pub async fn all_accessibility_violations(&self) -> Vec<String> {
        self.axe()
            .await
            .iter()
            .map(|v| format!("{} ({}): {} ({} nodes: {})", v["id"], v["impact"], v["help"], v["nodes"], v["first"]))
            .collect()
    }

    /// axe-core's violations on the page.
    async fn axe(&self) -> Vec<Value> {
        let axe =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../e2e/node_modules/axe-core/axe.min.js"))
                .expect("axe-core missing: run `npm ci --prefix e2e` (scripts/test does)");
        self.script(&axe, vec![]).await;
        let result = self
            .script_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
                    .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                       first: v.nodes.length ? String(v.nodes[0].target) : ''}))))
                    .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: 0, first: ''}]));",
                vec![],
            )
            .await;
        result.as_array().cloned().unwrap_or_default()
    }
}

impl Browser {
    /// Makes the page's viewport `width` by `height` CSS pixels, as a phone's (touch, mobile
    /// viewport rules) below 1024 px; a desktop window cannot be made as narrow as a phone.
    pub async fn viewport(&self, width: u32, height: u32) {
        let params = json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 1024});
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": params})),
        )
        .await;
    }

    /// How far the page runs past the viewport's right edge, in CSS pixels (0 when it fits), with
    /// the element that reaches furthest, to say what to fix.
    pub async fn overflow(&self) -> (i64, String) {
        let found = self
            .script(
                "const w = document.documentElement.clientWidth;
                 const over = document.documentElement.scrollWidth - w;
                 let worst = '', right = w;
                 for (const el of document.body.querySelectorAll('*')) {
                   // Fixed layers (the closed mobile menu's overlay) are not the page's width.
                   if (el.closest('.usa-overlay, .usa-nav') || getComputedStyle(el).position === 'fixed') continue;
                   const r = el.getBoundingClientRect();
                   if (r.width > 0 && r.right > right + 0.5) {
                     right = r.right;
                     worst = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                       (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
                   }
                 }
                 return [over, worst];",
                vec![],
            )
            .await;
        (found[0].as_i64().unwrap_or(0), found[1].as_str().unwrap_or("").to_owned())
    }

    /// The console's errors since the last call (Chromium keeps them per session).
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self.call("POST", "/se/log", Some(json!({"type": "browser"}))).await;
        logs.as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|l| l["level"] == "SEVERE")
            // A page that answers a form's mistakes with 422 (or a missing page with 404) is
            // logged as a failed load of the page itself: that is the page working.
            .filter(|l| {
                let m = l["message"].as_str().unwrap_or("");
                !m.contains("Failed to load resource: the server responded with a status of 4")
                    || m.contains("/assets/")
            })
            .map(|l| l["message"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    /// Saves a PNG of the whole page, as tall as it is, at the viewport's width.
    pub async fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let size = self
            .script("return [document.documentElement.clientWidth, document.documentElement.scrollHeight]", vec![])
            .await;
        let clip = json!({"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1});
        let params = json!({"format": "png", "captureBeyondViewport": true, "clip": clip});
        let shot = self
            .call("POST", "/goog/cdp/execute", Some(json!({"cmd": "Page.captureScreenshot", "params": params})))
            .await;
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or("")).expect("a PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Reloads the page, as the browser's reload button does (a page that answered a form posts
    /// it again).
    pub async fn reload(&self) {
        self.call("POST", "/refresh", None).await;
    }

    /// Presses keys together on whatever has the focus, as a keyboard does (WebDriver actions),
    /// and lets them go in reverse order: `&[keys::ALT, keys::SHIFT, "s"]` is Alt+Shift+S.
    pub async fn press(&self, chord: &[&str]) {
        let mut actions: Vec<Value> = chord.iter().map(|k| json!({"type": "keyDown", "value": k})).collect();
        actions.extend(chord.iter().rev().map(|k| json!({"type": "keyUp", "value": k})));
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )
        .await;
        self.call("DELETE", "/actions", None).await;
    }

    /// Ends the session (closing Chromium) before the driver goes.
    pub async fn quit(self) {
        self.call("DELETE", "", None).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self._profile);
    }
}

/// The WebDriver codes of keys that type no character.
pub mod keys {
    /// Tab.
    pub const TAB: &str = "\u{E004}";
    /// Enter.
    pub const ENTER: &str = "\u{E007}";
    /// Shift.
    pub const SHIFT: &str = "\u{E008}";
    /// Alt.
    pub const ALT: &str = "\u{E00A}";
}
