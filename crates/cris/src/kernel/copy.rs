//! Bulk loads into PostgreSQL with `COPY ... FROM STDIN` (text format): rows are written into one
//! buffer and streamed in a single command, several times faster than multi-row INSERTs, whose
//! every value is a bound parameter the server parses and plans around.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

/// The rows of one `COPY` in PostgreSQL's text format: tab between fields, newline after a row.
#[derive(Debug)]
pub struct CopyRows {
    buf: String,
    at_start: bool,
}

impl CopyRows {
    /// An empty buffer with room for about `bytes`.
    pub fn with_capacity(bytes: usize) -> CopyRows {
        CopyRows { buf: String::with_capacity(bytes), at_start: true }
    }

    fn sep(&mut self) {
        if !self.at_start {
            self.buf.push('\t');
        }
        self.at_start = false;
    }

    /// A text field; backslash and the separators are escaped as the format wants.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        for ch in s.chars() {
            match ch {
                '\\' => self.buf.push_str("\\\\"),
                '\t' => self.buf.push_str("\\t"),
                '\n' => self.buf.push_str("\\n"),
                '\r' => self.buf.push_str("\\r"),
                c => self.buf.push(c),
            }
        }
        self
    }

    /// An integer field.
    pub fn int(&mut self, n: i64) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{n}");
        self
    }

    /// A boolean field.
    pub fn boolean(&mut self, b: bool) -> &mut Self {
        self.sep();
        self.buf.push(if b { 't' } else { 'f' });
        self
    }

    /// A date field (ISO 8601).
    pub fn date(&mut self, d: NaiveDate) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{}", d.format("%Y-%m-%d"));
        self
    }

    /// A timestamp field, in UTC.
    pub fn timestamp(&mut self, t: DateTime<Utc>) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{}+00", t.format("%Y-%m-%d %H:%M:%S%.6f"));
        self
    }

    /// Ends the row.
    pub fn end_row(&mut self) {
        self.buf.push('\n');
        self.at_start = true;
    }

    /// Whether no row was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Streams the rows with `statement` (a `COPY table (columns) FROM STDIN`) on the connection
    /// (inside the caller's transaction) and empties the buffer for the next table.
    pub async fn send(&mut self, conn: &mut sqlx::PgConnection, statement: &str) -> Result<u64, sqlx::Error> {
        if self.buf.is_empty() {
            return Ok(0);
        }
        let mut copy = conn.copy_in_raw(statement).await?;
        // On an error the copy is abandoned when dropped (sqlx sends CopyFail), and the
        // transaction with it.
        copy.send(self.buf.as_bytes()).await?;
        let rows = copy.finish().await?;
        self.buf.clear();
        self.at_start = true;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_escaped_and_formatted_as_copy_reads_them() {
        let mut rows = CopyRows::with_capacity(64);
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        rows.int(7).text("a\tb\\c\nd").boolean(true).date(day).timestamp(day.and_hms_opt(1, 2, 3).unwrap().and_utc());
        rows.end_row();
        rows.text("{\"x\":\"\\\"\"}").boolean(false);
        rows.end_row();
        assert_eq!(
            rows.buf,
            "7\ta\\tb\\\\c\\nd\tt\t2026-11-01\t2026-11-01 01:02:03.000000+00\n{\"x\":\"\\\\\"\"}\tf\n"
        );
    }
}
