//! A small RFC 4180 CSV reader and Windows-1252 decoder for `--data-dir` files. Only the
//! run-time loader uses it; the embedded tables are parsed by build.rs. Owns text decoding
//! and record splitting, not the meaning of any column.

/// A record with the 1-based line it started on, for error messages.
pub(crate) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// UTF-8 text as is (BOM dropped); anything else is read as Windows-1252, which is what CMS's
/// "section 508" CSVs are. A cp1252 file with accented names is almost never valid UTF-8, so
/// the guess is safe in practice.
pub(crate) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| cp1252(b)).collect(),
    }
}

fn cp1252(b: u8) -> char {
    // 0x80..=0x9F are the only bytes where Windows-1252 differs from Latin-1; the five
    // undefined ones map to the C1 controls, as browsers do.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Splits `text` into records. Quoted fields may hold commas, `""` and line breaks; CRLF and
/// LF both end a record. Err gives the line of a quote left open at the end of the file.
pub(crate) fn records(text: &str) -> Result<Vec<Record>, usize> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push(Record {
                    line: start,
                    fields: std::mem::take(&mut fields),
                });
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(start);
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push(Record {
            line: start,
            fields,
        });
    }
    Ok(out)
}

/// Trims, turns non-breaking spaces into spaces and collapses runs of whitespace, as the clean
/// crosswalk files in shared/data were made; CMS's raw cells carry stray trailing spaces.
pub(crate) fn tidy(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{A0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields_and_crlf() {
        let r = records("a,\"b, c\",\"say \"\"hi\"\"\"\r\n1,2\n\"x\ny\",z").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].fields, ["a", "b, c", "say \"hi\""]);
        assert_eq!(
            (r[1].line, r[1].fields.clone()),
            (2, vec!["1".to_string(), "2".to_string()])
        );
        assert_eq!(
            (r[2].line, r[2].fields.clone()),
            (3, vec!["x\ny".to_string(), "z".to_string()])
        );
        assert_eq!(records("a,\"open\n").err(), Some(1));
    }

    #[test]
    fn decodes_windows_1252() {
        assert_eq!(decode(b"caf\xE9 \x93q\x94 \x80"), "café “q” €");
        assert_eq!(decode("café".as_bytes()), "café");
        assert_eq!(tidy("  Hyper\u{A0}Hep B \t "), "Hyper Hep B");
    }
}
