//! NDC spelling: turning the hyphenated 10-digit forms printed on packages into the 11-digit
//! 5-4-2 form that claims (LIN03) and the CMS crosswalk use, and back for messages.

/// Any NDC form → 11 digits. Hyphenated 10-digit forms (4-4-2, 5-3-2, 5-4-1) are padded with
/// a leading zero in the short group; 5-4-2 with hyphens loses them; bare 11 digits pass
/// unchanged. A bare 10-digit NDC is `None`: without hyphens nobody can tell which group to pad.
pub fn ndc_to_11(raw: &str) -> Option<String> {
    let s = raw.trim();
    if !s.contains('-') {
        return (s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_string());
    }
    let mut parts = s.split('-');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || ![a, b, c]
            .iter()
            .all(|p| p.bytes().all(|x| x.is_ascii_digit()))
    {
        return None;
    }
    match (a.len(), b.len(), c.len()) {
        (5, 4, 2) => Some(format!("{a}{b}{c}")),
        (4, 4, 2) => Some(format!("0{a}{b}{c}")),
        (5, 3, 2) => Some(format!("{a}0{b}{c}")),
        (5, 4, 1) => Some(format!("{a}{b}0{c}")),
        _ => None,
    }
}

/// `55513071001` → `55513-0710-01`, for messages. Anything not 11 digits comes back unchanged,
/// so a caller can print whatever it was given.
pub fn ndc_5_4_2(ndc11: &str) -> String {
    match (ndc11.get(0..5), ndc11.get(5..9), ndc11.get(9..11)) {
        (Some(a), Some(b), Some(c))
            if ndc11.len() == 11 && ndc11.bytes().all(|x| x.is_ascii_digit()) =>
        {
            format!("{a}-{b}-{c}")
        }
        _ => ndc11.to_string(),
    }
}

/// True for exactly 11 ASCII digits.
pub(crate) fn is_ndc11(s: &str) -> bool {
    s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_every_form() {
        let cases = [
            ("55513-0710-01", Some("55513071001")), // 5-4-2
            ("55513-710-01", Some("55513071001")),  // 5-3-2
            ("5551-3071-01", Some("05551307101")),  // 4-4-2
            ("55513-0710-1", Some("55513071001")),  // 5-4-1
            ("55513071001", Some("55513071001")),   // bare 11
            (" 55513071001 ", Some("55513071001")), // whitespace around
            ("5551371001", None),                   // bare 10: ambiguous
            ("555130710011", None),                 // 12 digits
            ("55513-0710-001", None),               // 5-4-3
            ("55513--01", None),
            ("55513-07a0-01", None),
            ("5551-307-01", None), // 4-3-2 is 9 digits
            ("55513-0710-01-1", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(ndc_to_11(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn prints_5_4_2() {
        assert_eq!(ndc_5_4_2("55513071001"), "55513-0710-01");
        assert_eq!(ndc_5_4_2("5551307100"), "5551307100");
        assert_eq!(ndc_5_4_2("5551307100é"), "5551307100é");
    }
}
