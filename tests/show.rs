//! `claimlint show`: every segment with its position, loop, the guide's names and values and
//! the findings inline; `--format html` a self-contained page with every value escaped; a
//! fragment is shown as pasted.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = "fixtures/samples/clinic-day1.837";

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.unwrap_or("").to_string();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The lines of the block of the segment whose heading contains `heading`.
fn block<'t>(shown: &'t str, heading: &str) -> Vec<&'t str> {
    let lines: Vec<&str> = shown.lines().collect();
    let start = lines.iter().position(|l| l.contains(heading)).unwrap();
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            l.trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .map_or(lines.len(), |e| start + 1 + e);
    lines[start..end].to_vec()
}

#[test]
fn every_segment_is_shown_with_names_and_its_findings() {
    let o = run(&["show", "--no-config", SAMPLE], None);
    assert_eq!(o.status.code(), Some(1), "the sample has errors");
    let shown = text(&o);
    let source =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE))
            .unwrap();
    let headings = shown
        .lines()
        .filter(|l| {
            l.trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .count();
    assert_eq!(headings, source.matches('~').count());
    let lin = block(&shown, "LIN [2410] Drug Identification  (line 87)");
    assert_eq!(lin[0], "   85 LIN [2410] Drug Identification  (line 87)");
    assert!(lin.contains(
        &"          LIN03 National Drug Code or Universal Product Number = 55513-0710-01"
    ));
    assert!(lin.iter().any(|l| {
        l.starts_with("      ^ error[NDC002]: NDC `55513-0710-01` in LIN03 is hyphenated")
    }));
    let clm = block(&shown, "CLM [2300] Claim Information  (line 20)");
    assert!(clm.contains(&"              CLM05-3 Claim Frequency Code = 1"));
    assert!(shown.contains("    1 ISA Interchange Control Header  (line 1)\n"));
}

#[test]
fn the_html_page_is_self_contained_and_escaped() {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates/837p.x12"),
    )
    .unwrap();
    let hostile = source
        .replace(
            "NM1*IL*1*DOE*JANE",
            "NM1*IL*1*<script>alert('x')</script>*JANE&amp",
        )
        .replace("55513071001", "5551<b>1001");
    let o = run(
        &["show", "--no-config", "--format", "html", "-"],
        Some(&hostile),
    );
    let page = text(&o);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("href="));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(page.contains("JANE&amp;amp"));
    // A finding quoting the value is escaped too.
    assert!(page.contains("NDC `5551&lt;b&gt;1001` in LIN03"), "{page}");
}

#[test]
fn a_fragment_is_shown_as_pasted() {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates/837p.x12"),
    )
    .unwrap();
    let clm = &source[source.find("CLM*").unwrap()..source.find("SE*").unwrap()];
    let o = run(&["show", "--no-config", "-"], Some(clm));
    let shown = text(&o);
    let first = block(&shown, "CLM [2300]");
    assert_eq!(first[0], "    1 CLM [2300] Claim Information  (line 1)");
    assert!(first.iter().any(|l| l.starts_with(
        "      ^ error[ENV001]: no ISA segment: the input starts at CLM (loop 2300)"
    )));
    assert!(
        !shown.contains(" ST ") && !shown.contains("FRAGMENT"),
        "{shown}"
    );
    assert_eq!(shown.matches("^ ").count(), 1, "{shown}");
}
