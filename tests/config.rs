//! claimlint.toml end to end: found by walking up from the input, or named with --config;
//! precedence file < profile < flags; profiles chosen by --profile or by payer id; PAY rules
//! driven by profile parameters; bad configs exit 2 with a message naming the bad key.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

mod common;
use common::Scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TEMPLATE: &str = include_str!("../fixtures/templates/837p.x12");

/// A fresh directory tree: `root/claimlint.toml` (when given) and `root/sub/claims.x12`.
fn tree(name: &str, config: Option<&str>, claims: &str) -> (Scratch, PathBuf) {
    let root = Scratch::new(&format!("config-{name}"));
    std::fs::create_dir_all(root.join("sub")).unwrap();
    if let Some(c) = config {
        std::fs::write(root.join("claimlint.toml"), c).unwrap();
    }
    let file = root.join("sub/claims.x12");
    std::fs::write(&file, claims).unwrap();
    (root, file)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// (code, severity) of every diagnostic of the one file checked.
fn found(o: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&o.stderr)));
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn severity_of(o: &Output, code: &str) -> Option<String> {
    found(o)
        .into_iter()
        .find(|(c, _)| c == code)
        .map(|(_, s)| s)
}

/// The template with its billing provider's ZIP cut to five digits: SIT005, a warning.
fn zip5() -> String {
    TEMPLATE.replace("N4*SPRINGFIELD*IL*627011234~", "N4*SPRINGFIELD*IL*62701~")
}

#[test]
fn the_nearest_config_above_the_input_applies() {
    let (root, file) = tree("walk", Some("[severity]\nSIT005 = \"error\"\n"), &zip5());
    // From anywhere: the config is found from the input, not from the working directory.
    let o = run(
        &std::env::temp_dir(),
        &["check", "--format", "json", file.to_str().unwrap()],
    );
    assert_eq!(severity_of(&o, "SIT005").as_deref(), Some("error"));
    assert_eq!(o.status.code(), Some(1));
    // A bare file name in the working directory: the config beside it.
    std::fs::write(root.join("here.x12"), zip5()).unwrap();
    let o = run(&root, &["check", "--format", "json", "here.x12"]);
    assert_eq!(severity_of(&o, "SIT005").as_deref(), Some("error"));
    // --no-config reads none; --config names one explicitly.
    let o = run(
        &root,
        &["check", "--no-config", "--format", "json", "sub/claims.x12"],
    );
    assert_eq!(severity_of(&o, "SIT005").as_deref(), Some("warning"));
    std::fs::write(root.join("other.toml"), "ignore = [\"SIT\"]\n").unwrap();
    let o = run(
        &root,
        &[
            "check",
            "--config",
            "other.toml",
            "--format",
            "json",
            "sub/claims.x12",
        ],
    );
    assert_eq!(severity_of(&o, "SIT005"), None);
}

#[test]
fn precedence_is_file_then_profile_then_flags() {
    // The file lowers SIT005 to info; the medicare profile raises it to error; a flag sets it
    // to warning. Each layer wins over the one before.
    let (root, _) = tree(
        "precedence",
        Some("[severity]\nSIT005 = \"info\"\n"),
        &zip5(),
    );
    let sev = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("sub/claims.x12");
        severity_of(&run(&root, &all), "SIT005")
    };
    assert_eq!(sev(&[]).as_deref(), Some("info"));
    assert_eq!(sev(&["--profile", "medicare"]).as_deref(), Some("error"));
    assert_eq!(
        sev(&["--profile", "medicare", "--severity", "SIT005=warning"]).as_deref(),
        Some("warning")
    );
    // --ignore on the command line adds to the file's lists.
    assert_eq!(sev(&["--profile", "medicare", "--ignore", "SIT005"]), None);
}

#[test]
fn fail_on_and_select_from_the_file_and_flags() {
    let (root, _) = tree(
        "fail-on",
        Some("fail-on = \"warning\"\nselect = [\"SIT\"]\n"),
        &zip5(),
    );
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the file's fail-on = warning fails on SIT005"
    );
    assert!(
        found(&o).iter().all(|(c, _)| c.starts_with("SIT")),
        "{:?}",
        found(&o)
    );
    let o = run(
        &root,
        &[
            "check",
            "--fail-on",
            "error",
            "--format",
            "json",
            "sub/claims.x12",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "--fail-on error overrides the file"
    );
}

#[test]
fn profiles_by_payer_id_drive_the_pay_rules() {
    let config = r#"
        [payers]
        "00952" = "acme"

        [profiles.acme]
        prior-auth = ["J0897"]
        quantity-limits = { J0897 = { per-line = 30 } }
    "#;
    let (root, _) = tree("payers", Some(config), TEMPLATE);
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    let codes: Vec<String> = found(&o).into_iter().map(|(c, _)| c).collect();
    assert!(
        codes.contains(&"PAY001".into()) && codes.contains(&"PAY002".into()),
        "{codes:?}"
    );
    // Wrapped at a width whose line breaks cut the payer id (`PI*00\n952`): the payer is
    // read from the unwrapped bytes, so its profile still applies (beside the wrap's SYN005).
    let plain = TEMPLATE.replace(['\r', '\n'], "");
    let at = plain.find("PI*00952").unwrap() + 5;
    let wrapped = plain
        .as_bytes()
        .chunks(at)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(wrapped.contains("PI*00\n952"));
    std::fs::write(root.join("sub/claims.x12"), wrapped).unwrap();
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    let mut codes: Vec<String> = found(&o).into_iter().map(|(c, _)| c).collect();
    codes.sort();
    assert_eq!(codes, ["PAY001", "PAY002", "SYN005"], "{codes:?}");
    // Another payer id: the map does not apply and the lists are empty.
    let other = TEMPLATE.replace("PI*00952", "PI*99999");
    std::fs::write(root.join("sub/claims.x12"), other).unwrap();
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    assert!(found(&o).is_empty(), "{:?}", found(&o));
}

#[test]
fn user_prior_auth_conditions_from_the_config() {
    // Acme needs an authorization for J0897 only with 96372 on the same date, in the office.
    let config = r#"
        profile = "acme"
        [profiles.acme]
        prior-auth = [
          { codes = "J0897", with = ["96372"], places-of-service = ["11"], source = "Acme policy 7" },
        ]
    "#;
    let (root, file) = tree("pa-conditions", Some(config), TEMPLATE);
    let codes = |root: &Path| -> Vec<String> {
        let o = run(root, &["check", "--format", "json", "sub/claims.x12"]);
        found(&o).into_iter().map(|(c, _)| c).collect()
    };
    assert_eq!(
        codes(&root),
        ["PAY001"],
        "the template: J0897 with 96372, POS 11"
    );
    // Another date for the administration: the companion condition fails.
    let lines: Vec<&str> = TEMPLATE.split('~').collect();
    let last_dtp = lines
        .iter()
        .rposition(|s| s.trim_start().starts_with("DTP*472"))
        .unwrap();
    let mut moved: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    moved[last_dtp] = moved[last_dtp].replace("20260115", "20260116");
    std::fs::write(&file, moved.join("~")).unwrap();
    assert_eq!(codes(&root), Vec::<String>::new(), "96372 on another date");
    // The setting: POS 22 is not the office.
    std::fs::write(&file, TEMPLATE.replace("11:B:1", "22:B:1")).unwrap();
    assert_eq!(codes(&root), Vec::<String>::new(), "POS 22");
}

#[test]
fn built_in_medicare_list_is_hospital_outpatient_only() {
    // The template is an office claim (POS 11) to Medicare: 64612 with Botox there needs no
    // OPD authorization; at POS 22 it does.
    let botox = TEMPLATE
        .replace(
            "SV1*HC:J0897:JZ*2400*UN*60***1",
            "SV1*HC:J0585:JZ*2400*UN*100***1",
        )
        .replace("55513071001", "00023114501")
        .replace("SV1*HC:96372*60*UN*1***1", "SV1*HC:64612*60*UN*1***1");
    let (root, file) = tree("pa-medicare", Some("profile = \"medicare\"\n"), &botox);
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    assert!(
        found(&o).iter().all(|(c, _)| c != "PAY001"),
        "{:?}",
        found(&o)
    );
    std::fs::write(&file, botox.replace("11:B:1", "22:B:1")).unwrap();
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    let pay: Vec<_> = found(&o)
        .into_iter()
        .filter(|(c, _)| c == "PAY001")
        .collect();
    assert_eq!(pay.len(), 1, "{pay:?}");
}

fn bad(name: &str, config: &str, expect: &[&str]) {
    let (root, _) = tree(name, Some(config), TEMPLATE);
    let o = run(&root, &["check", "sub/claims.x12"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{name}: {err}");
    for e in expect {
        assert!(err.contains(e), "{name}: `{e}` not in:\n{err}");
    }
}

#[test]
fn bad_configs_exit_2_and_name_the_key() {
    bad(
        "unknown-key",
        "selekt = [\"NDC\"]\n",
        &["claimlint.toml", "selekt"],
    );
    bad(
        "unknown-rule",
        "ignore = [\"NDC999\"]\n",
        &["ignore", "NDC999"],
    );
    bad(
        "unknown-severity-code",
        "[severity]\nXYZ001 = \"error\"\n",
        &["severity", "XYZ001"],
    );
    bad("bad-level", "[severity]\nNDC001 = \"loud\"\n", &["loud"]);
    bad(
        "unknown-profile-key",
        "[profiles.acme]\nprior_auth = [\"J0897\"]\n",
        &["prior_auth"],
    );
    bad(
        "bad-prior-auth-entry",
        "[profiles.acme]\nprior-auth = [{ codes = \"J0585\", places = [\"22\"] }]\n",
        &["profiles.acme.prior-auth[0]", "places"],
    );
    bad(
        "bad-limit",
        "[profiles.acme.quantity-limits]\nJ0897 = \"many\"\n",
        &["profiles.acme.quantity-limits.J0897"],
    );
    bad(
        "unknown-payer-profile",
        "[payers]\n\"00952\" = \"nobody\"\n",
        &["payers.00952", "nobody"],
    );
    bad(
        "bad-ndc",
        "[single-dose.J9999]\n\"123\" = true\n",
        &["single-dose.J9999.123"],
    );
    bad("not-toml", "select = [\n", &["claimlint.toml"]);
    let (root, _) = tree("unknown-profile-flag", None, TEMPLATE);
    let o = run(&root, &["check", "--profile", "medicar", "sub/claims.x12"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("medicar"));
}

/// Issue 14: MOD001 is Medicare fee-for-service's. A Medicaid claim without JZ gets none, under
/// the `medicaid` profile too; a Medicare claim gets it; `jw-jz = "all-payers"` judges every
/// claim, and a config's `[single-dose]` rows still reach MOD001.
#[test]
fn jw_jz_follows_the_payer() {
    let no_jz = TEMPLATE.replace("SV1*HC:J0897:JZ*", "SV1*HC:J0897*");
    let medicaid = no_jz.replace("SBR*P*18*******MB~", "SBR*P*18*******MC~");
    assert_ne!(medicaid, no_jz);
    let mod001 = |o: &Output| severity_of(o, "MOD001");
    let (root, _) = tree("jwjz-mc", None, &medicaid);
    for args in [
        &["check", "--format", "json", "sub/claims.x12"][..],
        &[
            "check",
            "--format",
            "json",
            "--profile",
            "medicaid",
            "sub/claims.x12",
        ][..],
    ] {
        assert_eq!(mod001(&run(&root, args)), None, "{args:?}");
    }
    // The `medicare` profile: its claims are Medicare's, whatever SBR09 says.
    let o = run(
        &root,
        &[
            "check",
            "--format",
            "json",
            "--profile",
            "medicare",
            "sub/claims.x12",
        ],
    );
    assert_eq!(mod001(&o).as_deref(), Some("error"));
    let (root, _) = tree("jwjz-mb", None, &no_jz);
    let o = run(
        &root,
        &[
            "check",
            "--format",
            "json",
            "--profile",
            "medicaid",
            "sub/claims.x12",
        ],
    );
    assert_eq!(mod001(&o).as_deref(), Some("error"));
    let all = "jw-jz = \"all-payers\"\n";
    let (root, _) = tree("jwjz-all", Some(all), &medicaid);
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    assert_eq!(mod001(&o).as_deref(), Some("error"));
    // Heparin's code mixes vial kinds; the file's `*` row says single-dose for its claims.
    let heparin = medicaid
        .replace("SV1*HC:J0897*2400*UN*60", "SV1*HC:J1644*2400*UN*60")
        .replace("LIN**N4*55513071001~\n", "")
        .replace("CTP****1*UN~\n", "");
    assert!(!heparin.contains("LIN**"));
    let rows = "jw-jz = \"all-payers\"\n[single-dose]\nJ1644 = true\n";
    let (root, _) = tree("jwjz-rows", Some(rows), &heparin);
    let o = run(&root, &["check", "--format", "json", "sub/claims.x12"]);
    assert_eq!(mod001(&o).as_deref(), Some("error"));
}
