//! A real SMTP listener for tests and benchmarks: it speaks enough ESMTP for a client to deliver
//! (EHLO, MAIL, RCPT, DATA, QUIT) and keeps every message it is given.

/// A message the SMTP listener received: envelope recipients and the data.
pub type Received = (Vec<String>, String);

/// A real SMTP listener on a free loopback port that keeps every message it receives.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`.
    pub url: String,
    /// Messages received: (envelope recipients, data).
    pub messages: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts listening.
    pub async fn start() -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the sink");
        let url = format!("smtp://{}", listener.local_addr().expect("sink address"));
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut lines = BufReader::new(r).lines();
                    let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                    let (mut rcpt, mut data, mut in_data) = (Vec::new(), String::new(), false);
                    while let Ok(Some(line)) = lines.next_line().await {
                        if in_data {
                            if line == "." {
                                in_data = false;
                                store
                                    .lock()
                                    .expect("sink lock")
                                    .push((std::mem::take(&mut rcpt), std::mem::take(&mut data)));
                                let _ = w.write_all(b"250 OK queued\r\n").await;
                            } else {
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                                data.push('\n');
                            }
                            continue;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            rcpt.push(line.get(8..).unwrap_or_default().trim().trim_matches(['<', '>']).to_owned());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            in_data = true;
                            b"354 go ahead\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        };
                        let _ = w.write_all(reply).await;
                    }
                });
            }
        });
        SmtpSink { url, messages }
    }

    /// Messages so far.
    pub fn received(&self) -> Vec<Received> {
        self.messages.lock().expect("sink lock").clone()
    }
}
