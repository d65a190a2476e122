//! CSV (RFC 4180) for exports a spreadsheet opens: every cell quoted, and cells a spreadsheet
//! would run as a formula prefixed with `'` (CSV injection).

/// Appends one quoted cell.
pub fn cell(out: &mut String, v: &str) {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_owned() };
    out.push('"');
    out.push_str(&v.replace('"', "\"\""));
    out.push('"');
}

/// Appends one line of cells.
pub fn line<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, c.as_ref());
    }
    out.push_str("\r\n");
}
