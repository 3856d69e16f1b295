//! Control characters from an input never reach a terminal: every human output shows them as
//! `\x1b`-style escapes (C0 controls other than newline and tab, DEL, and the C1 controls
//! U+0080–U+009F, which some terminals obey as well). Invalid UTF-8 bytes are shown as `\xNN`.

use std::borrow::Cow;

fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}'
}

fn push_escaped(out: &mut String, c: char) {
    let n = u32::from(c);
    if n < 0x100 {
        out.push_str(&format!("\\x{n:02x}"));
    } else {
        out.push_str(&format!("\\u{{{n:x}}}"));
    }
}

/// `text` with every control character but newline and tab escaped.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether raw input bytes hold anything [`visible_bytes`] would change (a CR before LF is
/// line layout, not a control to show).
pub fn needs_escaping(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return true;
    };
    text.char_indices()
        .any(|(i, c)| hidden(c) && !(c == '\r' && bytes.get(i + 1) == Some(&b'\n')))
}

/// Raw input bytes as text with controls and invalid bytes escaped, and for each byte of the
/// input (and one past its end) the offset it starts at in the text, so a span of the input
/// can be found in the escaped text.
pub fn visible_bytes(bytes: &[u8]) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(bytes.len() + 16);
    let mut map = Vec::with_capacity(bytes.len() + 1);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            for _ in 0..c.len_utf8() {
                map.push(out.len());
            }
            let crlf = c == '\r' && map.len() < bytes.len() && bytes[map.len()] == b'\n';
            if hidden(c) && !crlf {
                push_escaped(&mut out, c);
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            map.push(out.len());
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    map.push(out.len());
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_sent() {
        assert_eq!(visible("a\x1b[2Jb\tc\n"), "a\\x1b[2Jb\tc\n");
        assert_eq!(visible("\u{9b}31m\x07"), "\\x9b31m\\x07");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        let (text, map) = visible_bytes(b"NM1*\x1b]0;x\x07*J\xffE\r\n");
        assert_eq!(text, "NM1*\\x1b]0;x\\x07*J\\xffE\r\n");
        assert_eq!(map[4], 4);
        assert_eq!(map[5], 8);
        assert_eq!(map.len(), 17);
        assert_eq!(*map.last().unwrap(), text.len());
        assert!(needs_escaping(b"a\x1bb") && needs_escaping(b"J\xff"));
        assert!(!needs_escaping(b"ISA*00~\r\nGS*HC~\n") && !needs_escaping("é".as_bytes()));
    }
}
