//! Tests of the tables, the element validator and the loop walker, including a run over the
//! shared corpus of real 837 files.

use super::*;

/// A segment split eagerly, for tests only: elements → repetitions → components.
pub(super) struct TestSeg {
    id: Vec<u8>,
    raw: Vec<Vec<u8>>,
    elements: Vec<Vec<Vec<Vec<u8>>>>,
}

impl TestSeg {
    pub(super) fn parse(text: &[u8], el: u8, comp: u8, rep: Option<u8>) -> TestSeg {
        let mut parts = text.split(|&b| b == el);
        let id = parts.next().unwrap_or_default().to_vec();
        let mut raw = Vec::new();
        let mut elements = Vec::new();
        for p in parts {
            let reps: Vec<&[u8]> = match rep {
                Some(r) => p.split(|&b| b == r).collect(),
                None => vec![p],
            };
            raw.push(reps[0].to_vec());
            elements.push(
                reps.iter()
                    .map(|r| r.split(|&b| b == comp).map(<[u8]>::to_vec).collect())
                    .collect(),
            );
        }
        TestSeg { id, raw, elements }
    }
}

impl SegmentView for TestSeg {
    fn id(&self) -> &[u8] {
        &self.id
    }
    fn element_count(&self) -> usize {
        self.elements.len()
    }
    fn element(&self, i: usize) -> Option<&[u8]> {
        self.raw.get(i.checked_sub(1)?).map(Vec::as_slice)
    }
    fn component_count(&self, i: usize) -> usize {
        i.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .and_then(|r| r.first())
            .map_or(0, Vec::len)
    }
    fn component(&self, i: usize, j: usize) -> Option<&[u8]> {
        let e = self.elements.get(i.checked_sub(1)?)?.first()?;
        e.get(j.checked_sub(1)?).map(Vec::as_slice)
    }
    fn repetitions(&self, i: usize) -> usize {
        i.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .map_or(0, Vec::len)
    }
}

/// `*` `:` `^` `~` delimiters and segments that exercise the views: plain, composite,
/// repeated, empty, qualified and over-long (more separators than the index holds).
fn view_samples() -> (claimlint_x12::Delimiters, Vec<String>) {
    let delims = claimlint_x12::Delimiters::USUAL;
    let texts = [
        "SV1*HC:J0897:JZ*1200*UN*60***1",
        "HI*ABK:M810^ABF:E119*::*:X*^A",
        "NM1*",
        "SE",
        "CLM*A^B:C*X:Y^Z*:*",
        "DTP*472*D8*20260115",
        "NM1*85*2*CLINIC*****XX*1234567893",
        "REF*G1*^X",
        "REF*:G1^X:Y*A:B:C^D:E",
        "DTP*::^*",
    ]
    .map(String::from);
    let long = format!("REF{}", "*A:".repeat(40));
    (delims, texts.into_iter().chain([long]).collect())
}

/// The split segment's presence bits (from its bounds) equal the element-by-element default
/// (`SegmentView::presence`), plain, composite, repeated, empty and over-long segments alike.
#[test]
fn split_presence_agrees_with_reading_each_element() {
    use claimlint_x12::{Segment, split::SplitSegment};
    let (delims, texts) = view_samples();
    for text in texts.iter().map(String::as_str) {
        let seg = Segment::new(text.as_bytes(), 0, delims, 1);
        let split = SplitSegment::new(&seg);
        let test = TestSeg::parse(text.as_bytes(), b'*', b':', Some(b'^'));
        let by_element = test.presence();
        assert_eq!(SegmentView::presence(&split), by_element, "{text}");
        assert_eq!(SegmentView::presence(&seg), by_element, "{text}");
        for i in 0..=test.element_count() + 1 {
            assert_eq!(SegmentView::shape(&split, i), test.shape(i), "{text} {i}");
            let (mut mine, mut theirs) = ([&b""[..]; 9], [&b""[..]; 9]);
            for n in [0, 1, 2, 9] {
                split.fill_components(i, &mut mine[..n]);
                test.fill_components(i, &mut theirs[..n]);
                assert_eq!(mine, theirs, "{text} {i} {n}");
            }
        }
    }
}

/// `find_loop` finds what the first of `loops()` with the id is, for every loop id of both
/// guides (2300 and below twice: the 2000B's first) and for ids no loop has; by the guide's
/// table and, for a `GuideDef` that is not the guide's static, by walking the tree.
#[test]
fn find_loop_is_the_first_of_loops() {
    for g in [Guide::X222A1, Guide::X223A2] {
        let g = guide(g);
        let copy = GuideDef {
            guide: g.guide,
            version: g.version,
            name: g.name,
            root: g.root,
            segment_ids: g.segment_ids,
            segment_keys: g.segment_keys,
        };
        let all = g.loops();
        for id in all
            .iter()
            .map(|l| l.id)
            .chain(["2000D", "", "ST ", "2400x"])
        {
            let first = all.iter().copied().find(|l| l.id == id);
            let found = g.find_loop(id);
            assert_eq!(
                found.map(std::ptr::from_ref),
                first.map(std::ptr::from_ref),
                "{id}"
            );
            assert_eq!(
                copy.find_loop(id).map(std::ptr::from_ref),
                first.map(std::ptr::from_ref),
                "{id} walked"
            );
        }
    }
}

/// Every segment definition of both guides, loop by loop.
pub(crate) fn all_segment_defs() -> impl Iterator<Item = &'static SegmentDef> {
    [Guide::X222A1, Guide::X223A2]
        .into_iter()
        .flat_map(|g| guide(g).loops())
        .flat_map(|l| l.children.iter())
        .filter_map(|n| match n {
            Node::Segment(s) => Some(*s),
            Node::Loop(_) => None,
        })
}

/// `keys` are the `code_key`s of `codes`, sorted (or none when a code is too long for one),
/// and `search` by key answers as the list does, for each code and for values next to it.
/// Says whether the list is keyed.
fn assert_keyed(codes: &[&str], keys: &[u64], search: impl Fn(&[u8]) -> bool, what: &str) -> bool {
    let want: Option<Vec<u64>> = codes.iter().map(|c| code_key(c.as_bytes())).collect();
    let keyed = match want {
        Some(mut want) => {
            want.sort_unstable();
            assert_eq!(keys, want.as_slice(), "{what}");
            true
        }
        None => {
            assert!(keys.is_empty(), "{what}");
            false
        }
    };
    for c in codes {
        for v in [
            c.to_string(),
            format!("{c}0"),
            c[..c.len() - 1].to_string(),
            c.to_lowercase(),
            format!("{c}XXXXXXX"),
        ] {
            assert_eq!(
                search(v.as_bytes()),
                codes.contains(&v.as_str()),
                "{what} {v}"
            );
        }
    }
    keyed
}

/// Element code lists: keys and `Codes::contains` agree with the codes.
#[test]
fn element_code_keys_are_the_codes() {
    let mut keyed = 0;
    for d in all_segment_defs() {
        let elements = d.elements.iter().flat_map(|e| {
            std::iter::once(e).chain(e.composite().into_iter().flat_map(|c| c.components))
        });
        for e in elements {
            if let ElementKind::Simple {
                codes: codes @ Codes::List(list, keys),
                ..
            } = e.kind
                && assert_keyed(list, keys, |v| codes.contains(v), d.id)
            {
                keyed += 1;
            }
        }
    }
    assert!(keyed > 100, "{keyed}");
}

/// Qualifiers: keys and `matches`' search agree with the codes (every 837 qualifier code has
/// at most 7 bytes).
#[test]
fn qualifier_keys_are_the_codes() {
    let mut checked = 0;
    for d in all_segment_defs() {
        let Some(q) = d.qualifier else { continue };
        let search = |v: &[u8]| code_key(v).is_some_and(|k| q.keys.binary_search(&k).is_ok());
        assert!(assert_keyed(q.codes, q.keys, search, d.id), "{}", d.id);
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

/// The walk reads the lexer's indexed segment directly (only a segment to validate is
/// split): every read it can make answers as the split segment does, for indexed and
/// unindexed segments, plain, composite, repeated, empty and over-long ones; and `matches`
/// agrees for every definition of both guides.
#[test]
fn segment_view_agrees_with_the_split_view() {
    use claimlint_x12::{Segment, split::SplitSegment};
    let (delims, texts) = view_samples();
    let defs: Vec<&SegmentDef> = all_segment_defs().collect();
    for text in texts.iter().map(String::as_str) {
        for seg in [
            Segment::new(text.as_bytes(), 0, delims, 1),
            Segment::unindexed(text.as_bytes(), 0, delims, 1),
        ] {
            let split = SplitSegment::new(&seg);
            assert_eq!(SegmentView::id(&seg), SegmentView::id(&split), "{text}");
            let n = SegmentView::element_count(&split);
            assert_eq!(SegmentView::element_count(&seg), n, "{text}");
            for i in 0..=n + 1 {
                assert_eq!(
                    SegmentView::element(&seg, i),
                    SegmentView::element(&split, i),
                    "{text} {i}"
                );
                assert_eq!(
                    SegmentView::component_count(&seg, i),
                    SegmentView::component_count(&split, i),
                    "{text} {i}"
                );
                assert_eq!(
                    SegmentView::repetitions(&seg, i),
                    SegmentView::repetitions(&split, i),
                    "{text} {i}"
                );
                for j in 0..=8 {
                    assert_eq!(
                        SegmentView::component(&seg, i, j),
                        SegmentView::component(&split, i, j),
                        "{text} {i} {j}"
                    );
                    // The one-scan qualifier read against the trait's own definition.
                    let want = if j == 0 {
                        SegmentView::component(&split, i, 1)
                            .or_else(|| SegmentView::element(&split, i))
                    } else {
                        SegmentView::component(&split, i, j)
                    };
                    assert_eq!(SegmentView::qualifier(&seg, i, j), want, "{text} {i} {j}");
                    assert_eq!(SegmentView::qualifier(&split, i, j), want, "{text} {i} {j}");
                }
            }
            for d in &defs {
                assert_eq!(d.matches(&seg), d.matches(&split), "{text} {}", d.id);
                assert_eq!(d.codes_fit(&seg), d.codes_fit(&split), "{text} {}", d.id);
            }
        }
    }
}

/// The compiled lookup tables agree with what they are compiled from: the keys with the ids,
/// and each loop's children by id with a scan of its children.
#[test]
fn id_tables_agree_with_the_children() {
    for g in [p(), i()] {
        let keys: Vec<u32> = g
            .segment_ids
            .iter()
            .map(|id| segment_key(id.as_bytes()).expect("2 or 3 characters"))
            .collect();
        assert_eq!(keys, g.segment_keys, "{}", g.version);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        for l in g.loops() {
            for id in g.segment_ids {
                let k = g.segment_index(id.as_bytes()).expect("known");
                let found: Vec<usize> = l.children_with_id(k).map(|(idx, _)| idx).collect();
                let scanned: Vec<usize> = l
                    .children
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| match n {
                        Node::Segment(s) => s.id == *id,
                        Node::Loop(c) => c.starter().is_some_and(|s| s.id == *id),
                    })
                    .map(|(idx, _)| idx)
                    .collect();
                assert_eq!(found, scanned, "{} {} {id}", g.version, l.id);
            }
            let required: Vec<u16> = l
                .children
                .iter()
                .enumerate()
                .filter(|(_, n)| match n {
                    Node::Segment(s) => s.usage == Usage::Required,
                    Node::Loop(c) => c.usage == Usage::Required,
                })
                .map(|(idx, _)| idx as u16)
                .collect();
            assert_eq!(required, l.required, "{} {}", g.version, l.id);
        }
        assert_eq!(g.segment_index(b"ZZZ"), None);
        assert_eq!(g.segment_index(b"NM1A"), None);
    }
}

/// `twin_after: false` is a promise the walk relies on to skip reading later siblings: no
/// later definition of the same id in the loop can match a segment this one matches.
#[test]
fn no_twin_after_means_disjoint_qualifiers() {
    for g in [p(), i()] {
        for l in g.loops() {
            for (idx, n) in l.children.iter().enumerate() {
                let Node::Segment(s) = n else { continue };
                if s.twin_after {
                    continue;
                }
                for later in l.children.iter().skip(idx + 1) {
                    let Node::Segment(o) = later else { continue };
                    if o.id != s.id {
                        continue;
                    }
                    let (Some(a), Some(b)) = (s.qualifier, o.qualifier) else {
                        panic!("{} {} {}: no qualifier, yet no twin", g.version, l.id, s.id);
                    };
                    assert_eq!((a.elem, a.comp), (b.elem, b.comp), "{} {}", l.id, s.id);
                    assert!(
                        a.codes.iter().all(|c| !b.codes.contains(c)),
                        "{} {} {}",
                        g.version,
                        l.id,
                        s.id
                    );
                }
            }
        }
    }
}

fn seg(text: &str) -> TestSeg {
    TestSeg::parse(text.as_bytes(), b'*', b':', Some(b'^'))
}

fn segs(text: &str) -> Vec<TestSeg> {
    text.split('~')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(seg)
        .collect()
}

fn p() -> &'static GuideDef {
    guide(Guide::X222A1)
}

fn i() -> &'static GuideDef {
    guide(Guide::X223A2)
}

fn seg_def(g: &GuideDef, path: &[&str], id: &str, qual: Option<&str>) -> &'static SegmentDef {
    let l = g.loop_at(path).unwrap_or_else(|| panic!("loop {path:?}"));
    l.segments(id.as_bytes())
        .find(|s| qual.is_none_or(|q| s.qualifier.is_some_and(|ql| ql.codes.contains(&q))))
        .unwrap_or_else(|| panic!("{id} in {path:?}"))
}

const P_2300: &[&str] = &["2000A", "2000B", "2300"];
const P_2300C: &[&str] = &["2000A", "2000B", "2000C", "2300"];

// ----------------------------------------------------------------------------------------
// Table sanity

#[test]
fn both_guides_have_the_core_loops() {
    for g in [p(), i()] {
        assert_eq!(
            g.root
                .children
                .first()
                .map(|n| matches!(n, Node::Segment(s) if s.id == "ST")),
            Some(true)
        );
        assert!(g.root.segments(b"BHT").next().is_some(), "{}", g.version);
        assert!(g.root.segments(b"SE").next().is_some());
        for id in [
            "1000A", "1000B", "2000A", "2010AA", "2000B", "2000C", "2300", "2400", "2410",
        ] {
            assert!(g.find_loop(id).is_some(), "{} lacks {id}", g.version);
        }
        for l in g.loops().into_iter().skip(1) {
            assert!(
                l.starter().is_some(),
                "{} {} has no starter",
                g.version,
                l.id
            );
        }
        assert!(g.segment_ids.windows(2).all(|w| w[0] < w[1]));
        assert!(g.is_known_segment_id(b"CLM") && g.is_known_segment_id(b"NM1"));
        assert!(!g.is_known_segment_id(b"ZZZ") && !g.is_known_segment_id(b"ISA"));
    }
    assert_eq!(Guide::from_version(b"005010X223A2"), Some(Guide::X223A2));
    assert_eq!(p().version, "005010X222A1");
    assert_eq!(i().version, "005010X223A2");
}

#[test]
fn code_lists_are_sorted() {
    for g in [p(), i()] {
        for l in g.loops() {
            for n in l.children {
                let Node::Segment(s) = n else { continue };
                for e in s.elements.iter().chain(
                    s.elements
                        .iter()
                        .filter_map(|e| e.composite())
                        .flat_map(|c| c.components),
                ) {
                    if let Some(list) = e.codes().and_then(Codes::list) {
                        assert!(
                            list.windows(2).all(|w| w[0] < w[1]),
                            "{} {}",
                            g.version,
                            e.ref_des
                        );
                    }
                }
            }
        }
    }
    assert!(ExternalCodes::States.codes().contains(&"MD"));
}

#[test]
fn clm05_is_a_composite_and_clm06_not_used_in_837i() {
    for g in [p(), i()] {
        let clm = seg_def(g, P_2300, "CLM", None);
        let clm05 = clm.element("CLM05").unwrap();
        assert!(clm05.is_composite());
        assert_eq!(clm.element("CLM05-3").unwrap().ref_des, "CLM05-3");
        assert_eq!(g.find_element("CLM05-1").unwrap().data_ele, "1331");
    }
    assert_eq!(
        seg_def(i(), P_2300, "CLM", None)
            .element("CLM06")
            .unwrap()
            .usage,
        Usage::NotUsed
    );
    assert_eq!(
        seg_def(p(), P_2300, "CLM", None)
            .element("CLM06")
            .unwrap()
            .usage,
        Usage::Required
    );
}

#[test]
fn service_lines_and_drug_loop() {
    let lp = p().loop_at(&["2000A", "2000B", "2300", "2400"]).unwrap();
    assert!(lp.segments(b"SV1").next().is_some() && lp.segments(b"SV2").next().is_none());
    assert_eq!(lp.repeat, Repeat::Max(50));
    let li = i().loop_at(&["2000A", "2000B", "2300", "2400"]).unwrap();
    assert!(li.segments(b"SV2").next().is_some() && li.segments(b"SV1").next().is_none());
    assert_eq!(li.repeat, Repeat::Max(999));
    let drug = p()
        .loop_at(&["2000A", "2000B", "2300", "2400", "2410"])
        .unwrap();
    assert!(drug.segments(b"CTP").next().is_some());
    assert_eq!(drug.starter().map(|s| s.id), Some("LIN"));
}

#[test]
fn qualifiers_tell_loops_apart() {
    let aa = p()
        .loop_at(&["2000A", "2010AA"])
        .unwrap()
        .starter()
        .unwrap();
    let ab = p()
        .loop_at(&["2000A", "2010AB"])
        .unwrap()
        .starter()
        .unwrap();
    assert!(aa.matches(&seg("NM1*85*2*X")) && !aa.matches(&seg("NM1*87*2")));
    assert!(ab.matches(&seg("NM1*87*2")));
    let hl = p().find_loop("2000C").unwrap().starter().unwrap();
    assert!(hl.matches(&seg("HL*3*2*23*0")) && !hl.matches(&seg("HL*2*1*22*1")));
}

// ----------------------------------------------------------------------------------------
// pyx12 corrections (data/ig/README.md)

#[test]
fn pyx12_24_2310c_per_is_situational() {
    for base in [P_2300, P_2300C] {
        let path: Vec<&str> = base.iter().copied().chain(["2310C"]).collect();
        assert_eq!(seg_def(p(), &path, "PER", None).usage, Usage::Situational);
    }
}

#[test]
fn pyx12_28_prv02_is_pxc_everywhere() {
    for g in [p(), i()] {
        for l in g.loops() {
            for s in l.segments(b"PRV") {
                assert_eq!(
                    s.element("PRV02").unwrap().codes().unwrap().list(),
                    Some(&["PXC"][..]),
                    "{}",
                    l.id
                );
            }
        }
    }
    let prv = seg_def(p(), &[P_2300C, &["2310B"]].concat(), "PRV", None);
    let mut out = Vec::new();
    validate_segment(prv, &seg("PRV*PE*PXC*207Q00000X"), &mut out);
    assert_eq!(out, vec![]);
}

#[test]
fn pyx12_29_2410_ctp() {
    for base in [P_2300, P_2300C] {
        let path: Vec<&str> = base.iter().copied().chain(["2400", "2410"]).collect();
        let ctp = seg_def(p(), &path, "CTP", None);
        assert_eq!(ctp.usage, Usage::Required);
        assert_eq!(ctp.element("CTP03").unwrap().usage, Usage::NotUsed);
        assert!(
            ctp.element("CTP05-1")
                .unwrap()
                .codes()
                .unwrap()
                .contains(b"ME")
        );
        let mut out = Vec::new();
        validate_segment(ctp, &seg("CTP****2*ME"), &mut out);
        assert_eq!(out, vec![]);
    }
}

#[test]
fn pyx12_38_claim_loop_under_subscriber() {
    for g in [p(), i()] {
        assert_eq!(g.loop_at(P_2300).unwrap().usage, Usage::Situational);
        assert_eq!(g.loop_at(P_2300C).unwrap().usage, Usage::Required);
    }
    // A subscriber who is not the patient carries no claim of its own ...
    let with_patient = format!(
        "{HEAD}HL*2*1*22*1~SBR*P*18*******CI~{SUB}HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JANE~N3*1 MAIN ST~N4*MIAMI*FL*33111~DMG*D8*19800101*F~{CLAIM}SE*1*1~"
    );
    let w = walk(p(), &segs(&with_patient));
    assert_eq!(w.issues, vec![]);
    // ... but one who is needs one.
    let no_claim = format!("{HEAD}HL*2*1*22*0~SBR*P*18*******CI~{SUB}SE*1*1~");
    let w = walk(p(), &segs(&no_claim));
    assert!(
        matches!(
            w.issues.as_slice(),
            [StructureIssue::RequiredMissing {
                id: "2300",
                parent: "2000B",
                ..
            }]
        ),
        "{:?}",
        w.issues
    );
}

#[test]
fn n403_accepts_a_five_digit_zip() {
    for g in [p(), i()] {
        let n4 = seg_def(g, &["2000A", "2010AA"], "N4", None);
        let mut out = Vec::new();
        validate_segment(n4, &seg("N4*KANSAS CITY*MO*64108"), &mut out);
        assert_eq!(out, vec![], "{}", g.version);
    }
}

// ----------------------------------------------------------------------------------------
// Element validator

fn check(g: &GuideDef, path: &[&str], id: &str, text: &str) -> Vec<ElementIssue> {
    let s = seg(text);
    let def = g
        .loop_at(path)
        .unwrap()
        .segments(id.as_bytes())
        .find(|d| d.matches(&s))
        .unwrap();
    let mut out = Vec::new();
    validate_segment(def, &s, &mut out);
    out
}

#[test]
fn validator_cases() {
    use ElementIssue::*;
    let clm = |t: &str| check(p(), P_2300, "CLM", t);
    assert_eq!(clm("CLM*A37YH556*500***11:B:1*Y*A*Y*I"), vec![]);
    // CLM01 is 1-38 long
    assert_eq!(
        clm(&format!("CLM*{}*500***11:B:1*Y*A*Y*I", "X".repeat(39))),
        vec![Length {
            elem: 1,
            comp: 0,
            min: 1,
            max: 38,
            len: 39
        }]
    );
    // CLM02 is R
    assert_eq!(
        clm("CLM*A1*5O0***11:B:1*Y*A*Y*I"),
        vec![Type {
            elem: 2,
            comp: 0,
            expected: DataType::R
        }]
    );
    assert_eq!(clm("CLM*A1*-12.50***11:B:1*Y*A*Y*I"), vec![]);
    assert_eq!(
        clm("CLM*A1*1.2.3***11:B:1*Y*A*Y*I"),
        vec![Type {
            elem: 2,
            comp: 0,
            expected: DataType::R
        }]
    );
    // invalid code in a component, with the list for the message
    let out = clm("CLM*A1*500***11:X:1*Y*A*Y*I");
    assert!(
        matches!(out.as_slice(), [CodeInvalid { elem: 5, comp: 2, codes }] if codes.contains(&"B")),
        "{out:?}"
    );
    // Not Used element (CLM03) present
    assert_eq!(
        clm("CLM*A1*500*X**11:B:1*Y*A*Y*I"),
        vec![NotUsed { elem: 3, comp: 0 }]
    );
    // required missing, element and component
    assert_eq!(
        clm("CLM**500***11:B:1*Y*A*Y*I"),
        vec![RequiredMissing { elem: 1, comp: 0 }]
    );
    assert_eq!(
        clm("CLM*A1*500***11::1*Y*A*Y*I"),
        vec![RequiredMissing { elem: 5, comp: 2 }]
    );
    // trailing separators, segment and composite
    assert_eq!(
        clm("CLM*A1*500***11:B:1*Y*A*Y*I*"),
        vec![TrailingSeparator { elem: 10, comp: 0 }]
    );
    let sv1 = check(
        p(),
        &[P_2300, &["2400"]].concat(),
        "SV1",
        "SV1*HC:99213:*40*UN*1***1",
    );
    assert_eq!(sv1, vec![TrailingSeparator { elem: 1, comp: 3 }]);
    // An empty last component that the guide requires is the missing value, not also a
    // trailing separator (one defect: writing the code mends both).
    let hi = check(p(), P_2300, "HI", "HI*ABK:");
    assert_eq!(hi, vec![RequiredMissing { elem: 1, comp: 2 }]);
    // A situational one after it is still trailing.
    let sv1 = check(
        p(),
        &[P_2300, &["2400"]].concat(),
        "SV1",
        "SV1*HC::JZ:*40*UN*1***1",
    );
    assert_eq!(
        sv1,
        vec![
            TrailingSeparator { elem: 1, comp: 4 },
            RequiredMissing { elem: 1, comp: 2 }
        ]
    );
    // too many elements
    let n3 = check(p(), &["2000A", "2010AA"], "N3", "N3*1 MAIN ST*STE 2*EXTRA");
    assert_eq!(n3, vec![TooMany { elem: 3, comp: 0 }]);
}

#[test]
fn validator_dates_and_times() {
    use ElementIssue::*;
    let dtp = |t: &str| check(p(), &[P_2300, &["2400"]].concat(), "DTP", t);
    assert_eq!(dtp("DTP*472*D8*20240229"), vec![]);
    let bht = |t: &str| check(p(), &[], "BHT", t);
    assert_eq!(bht("BHT*0019*00*244579*20061015*1023*CH"), vec![]);
    assert_eq!(
        bht("BHT*0019*00*244579*20230230*1023*CH"),
        vec![Type {
            elem: 4,
            comp: 0,
            expected: DataType::DT
        }]
    );
    assert_eq!(
        bht("BHT*0019*00*244579*20230229*1023*CH"),
        vec![Type {
            elem: 4,
            comp: 0,
            expected: DataType::DT
        }]
    );
    assert_eq!(
        bht("BHT*0019*00*244579*20061015*2460*CH"),
        vec![Type {
            elem: 5,
            comp: 0,
            expected: DataType::TM
        }]
    );
    assert_eq!(bht("BHT*0019*00*244579*20061015*102359*CH"), vec![]);
    assert_eq!(bht("BHT*0019*00*244579*20061015*10235912*CH"), vec![]);
    assert_eq!(bht("BHT*0019*01*244579*20061015*1023*CH").len(), 1);
}

#[test]
fn validator_numbers() {
    use ElementIssue::*;
    // LX01 is N0 1-6
    let lx = |t: &str| check(p(), &[P_2300, &["2400"]].concat(), "LX", t);
    assert_eq!(lx("LX*1"), vec![]);
    assert_eq!(
        lx("LX*1.0"),
        vec![Type {
            elem: 1,
            comp: 0,
            expected: DataType::N(0)
        }]
    );
    assert_eq!(
        lx("LX*1234567"),
        vec![Length {
            elem: 1,
            comp: 0,
            min: 1,
            max: 6,
            len: 7
        }]
    );
    // the sign does not count toward the length
    assert_eq!(lx("LX*-123456"), vec![]);
    // SV107-1..4 (DE 1328) are N0 with a code list, 1–12: a value that is no number is a
    // type error (999 IK403 6), the list is only read for numbers (IK403 7).
    let sv1 = |t: &str| check(p(), &[P_2300, &["2400"]].concat(), "SV1", t);
    assert_eq!(sv1("SV1*HC:96372*60*UN*1***1:2:3:12"), vec![]);
    for (pointers, comp) in [("1.00", 1), ("A", 1), ("+1", 1), ("1.", 1), ("1:2.0", 2)] {
        assert_eq!(
            sv1(&format!("SV1*HC:96372*60*UN*1***{pointers}")),
            vec![Type {
                elem: 7,
                comp,
                expected: DataType::N(0)
            }],
            "{pointers}"
        );
    }
    for pointers in ["13", "0", "01", "-1"] {
        let out = sv1(&format!("SV1*HC:96372*60*UN*1***{pointers}"));
        assert!(
            matches!(
                out.as_slice(),
                [CodeInvalid {
                    elem: 7,
                    comp: 1,
                    ..
                }]
            ),
            "{pointers}: {out:?}"
        );
    }
}

/// A value in a Not Used element is that element's finding alone: the syntax rules read the
/// segment as if it were gone (837P HCP10 is Not Used; P0910 would also say "HCP10 without
/// HCP09").
#[test]
fn a_not_used_value_is_not_also_a_syntax_finding() {
    use ElementIssue::*;
    let hcp = |t: &str| check(p(), &["2000A", "2000B", "2300"], "HCP", t);
    let out = hcp(&format!("HCP*00*100{}X", "*".repeat(8)));
    assert_eq!(out, vec![NotUsed { elem: 10, comp: 0 }]);
}

#[test]
fn validator_syntax_rules() {
    use ElementIssue::*;
    // NM1: P0809 (paired), C1110 (conditional)
    let nm1 = |t: &str| check(p(), &["2000A", "2010AA"], "NM1", t);
    assert_eq!(nm1("NM1*85*2*CLINIC*****XX*1234567893"), vec![]);
    let out = nm1("NM1*85*2*CLINIC*****XX");
    assert!(
        out.contains(&Syntax {
            kind: SyntaxKind::P,
            elem: 0,
            positions: &[8, 9]
        }),
        "{out:?}"
    );
    // N4: E0207 (exclusion), C0605
    let n4 = |t: &str| check(p(), &["2000A", "2010AA"], "N4", t);
    let out = n4("N4*TORONTO*ON*M5V3L9*CA***ON");
    assert!(
        out.contains(&Syntax {
            kind: SyntaxKind::E,
            elem: 0,
            positions: &[2, 7]
        }),
        "{out:?}"
    );
    // R: REF R0203 needs REF02 or REF03
    let r = SyntaxRule {
        kind: SyntaxKind::R,
        positions: &[2, 3],
    };
    let l = SyntaxRule {
        kind: SyntaxKind::L,
        positions: &[1, 2, 3],
    };
    let c = SyntaxRule {
        kind: SyntaxKind::C,
        positions: &[1, 2],
    };
    let eval = |rule: SyntaxRule, text: &str| {
        let rules: &'static [SyntaxRule] = Box::leak(Box::new([rule]));
        let def: &'static SegmentDef = Box::leak(Box::new(SegmentDef {
            id: "ZZ",
            name: "test",
            usage: Usage::Situational,
            max_use: Repeat::Max(1),
            pos: 0,
            rank: 0,
            qualifier: None,
            elements: &[],
            required: 0,
            syntax: rules,
            twin_after: false,
            compiled: Compiled::new(),
        }));
        let mut out = Vec::new();
        validate_segment(def, &seg(text), &mut out);
        out.iter().any(|e| matches!(e, Syntax { .. }))
    };
    assert!(eval(r, "ZZ*A"));
    assert!(!eval(r, "ZZ*A*B"));
    assert!(eval(l, "ZZ*A"));
    assert!(!eval(l, "ZZ*A**C"));
    assert!(!eval(l, "ZZ**B"));
    assert!(eval(c, "ZZ*A"));
    assert!(!eval(c, "ZZ**B"));
    // composite rule: C022 P0304 in HI. In 837P HI02-3 is Not Used: a value there is that
    // finding alone, read for the rule as if it were gone.
    let hi = check(p(), P_2300, "HI", "HI*ABK:I10*ABF:E119:D8");
    assert_eq!(hi, vec![NotUsed { elem: 2, comp: 3 }]);
}

// ----------------------------------------------------------------------------------------
// Walker

const HEAD: &str = "ST*837*0021*005010X222A1~BHT*0019*00*244579*20061015*1023*CH~\
NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23~PER*IC*JERRY*TE*3055552222~\
NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT~HL*1**20*1~\
NM1*85*2*BEN KILDARE SERVICE*****XX*9876543210~N3*234 SEAWAY ST~N4*MIAMI*FL*33111~REF*EI*587654321~";
const SUB: &str =
    "NM1*IL*1*SMITH*TED****MI*000221111A~NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666~";
const CLAIM: &str = "CLM*26463774*100***11:B:1*Y*A*Y*I~HI*ABK:J020~LX*1~SV1*HC:99213*40*UN*1***1~DTP*472*D8*20061003~";

fn subscriber_claim(lines: usize) -> String {
    let mut s = format!(
        "{HEAD}HL*2*1*22*0~SBR*P*18*******CI~{SUB}CLM*26463774*100***11:B:1*Y*A*Y*I~HI*ABK:J020~"
    );
    for n in 1..=lines {
        s.push_str(&format!(
            "LX*{n}~SV1*HC:99213*40*UN*1***1~DTP*472*D8*20061003~"
        ));
    }
    s.push_str("SE*1*0021~");
    s
}

#[test]
fn walker_places_a_valid_claim() {
    let segments = segs(&subscriber_claim(2));
    let w = walk(p(), &segments);
    assert_eq!(w.issues, vec![]);
    assert_eq!(w.placements.len(), segments.len());
    let path = |k: usize| w.placements[k].path().unwrap().to_vec();
    assert_eq!(path(0), Vec::<&str>::new());
    assert_eq!(path(5), vec!["2000A"]);
    assert_eq!(path(6), vec!["2000A", "2010AA"]);
    assert_eq!(path(13), vec!["2000A", "2000B", "2010BB"]);
    assert_eq!(path(16), vec!["2000A", "2000B", "2300", "2400"]);
}

#[test]
fn walker_missing_2010aa() {
    let text = subscriber_claim(1).replace("NM1*85*2*BEN KILDARE SERVICE*****XX*9876543210~N3*234 SEAWAY ST~N4*MIAMI*FL*33111~REF*EI*587654321~", "");
    let w = walk(p(), &segs(&text));
    assert_eq!(
        w.issues,
        vec![StructureIssue::RequiredMissing {
            id: "2010AA",
            is_loop: true,
            parent: "2000A",
            at: 6
        }]
    );
}

/// A line's required DTP*472 swapped with the next line's LX: read as that line's date, the
/// next line's SV1 would come late and its own date once too often; the walk reads it as a
/// stray instead (`Walker::written_late`), line 2 missing its date at LX*3, and the next line
/// as written. A line whose date is only out of order (`LX*3~DTP*472~SV1`, no date after)
/// keeps it: the stray reading fits no better.
#[test]
fn walker_reads_a_date_after_the_next_lx_as_a_stray() {
    let date = "DTP*472*D8*20061003~";
    let text = subscriber_claim(3).replacen(&format!("{date}LX*3~"), &format!("LX*3~{date}"), 1);
    let w = walk(p(), &segs(&text));
    let lx3 = segs(&text)
        .iter()
        .position(|s| s.id() == b"LX" && s.element(1) == Some(b"3"));
    let lx3 = lx3.expect("LX*3");
    assert_eq!(
        w.issues,
        vec![
            StructureIssue::RequiredMissing {
                id: "DTP",
                is_loop: false,
                parent: "2400",
                at: lx3
            },
            StructureIssue::Unexpected { at: lx3 + 1 }
        ]
    );
    // Out of order only: the date stays line 3's, its SV1 late.
    let text = subscriber_claim(3).replacen(
        "LX*3~SV1*HC:99213*40*UN*1***1~DTP*472*D8*20061003~",
        "LX*3~DTP*472*D8*20061003~SV1*HC:99213*40*UN*1***1~",
        1,
    );
    let w = walk(p(), &segs(&text));
    assert!(
        matches!(w.placements.get(lx3 + 1), Some(Placement::Placed { .. })),
        "{:?}",
        w.issues
    );
}

/// A required segment whose qualifier the guide does not allow (`SV1*ZZ:…`, `REF*XX` in
/// 2010AA) is there: placed by id (its code is SYN008's), it is not also missing, and the
/// right segment after it is not a repeat.
#[test]
fn walker_required_segment_with_a_bad_qualifier_is_not_missing() {
    for (from, to) in [
        ("SV1*HC:99213", "SV1*ZZ:99213"),
        ("REF*EI*587654321", "REF*XX*587654321"),
        ("REF*EI*587654321", "REF*XX*587654321~REF*EI*587654321"),
    ] {
        let text = subscriber_claim(1).replace(from, to);
        let w = walk(p(), &segs(&text));
        assert_eq!(w.issues, vec![], "{to}");
    }
    // A bad qualifier does not excuse a second missing segment of that id.
    let text = subscriber_claim(2)
        .replacen("SV1*HC:99213", "SV1*ZZ:99213", 1)
        .replacen("LX*2~SV1*HC:99213*40*UN*1***1~", "LX*2~", 1);
    let w = walk(p(), &segs(&text));
    assert!(
        matches!(
            w.issues.as_slice(),
            [StructureIssue::RequiredMissing { id: "SV1", .. }]
        ),
        "{:?}",
        w.issues
    );
}

#[test]
fn walker_recovers_after_a_stray_segment() {
    let text = subscriber_claim(2).replace("HI*ABK:J020~", "HI*ABK:J020~LQ*UT*1~");
    let segments = segs(&text);
    let w = walk(p(), &segments);
    assert_eq!(w.issues, vec![StructureIssue::Unexpected { at: 16 }]);
    assert!(matches!(w.placements[16], Placement::Unexpected));
    assert_eq!(
        w.placements[17].path().unwrap(),
        &["2000A", "2000B", "2300", "2400"]
    );
    // an unknown id and an out-of-order segment behave the same way
    let text = subscriber_claim(1).replace("HI*ABK:J020~", "ZZZ*1~HI*ABK:J020~");
    let w = walk(p(), &segs(&text));
    assert_eq!(w.issues, vec![StructureIssue::Unexpected { at: 15 }]);
}

#[test]
fn walker_51_service_lines() {
    let w = walk(p(), &segs(&subscriber_claim(51)));
    assert!(
        matches!(
            w.issues.as_slice(),
            [StructureIssue::RepeatExceeded {
                id: "2400",
                is_loop: true,
                max: 50,
                ..
            }]
        ),
        "{:?}",
        w.issues
    );
    let w = walk(p(), &segs(&subscriber_claim(50)));
    assert_eq!(w.issues, vec![]);
}

#[test]
fn walker_segment_repeat() {
    let text = subscriber_claim(1).replace("HI*ABK:J020~", "HI*ABK:J020~HI*ABK:J020~");
    let w = walk(p(), &segs(&text));
    assert!(
        matches!(
            w.issues.as_slice(),
            [StructureIssue::RepeatExceeded {
                id: "HI",
                is_loop: false,
                max: 1,
                at: 16
            }]
        ),
        "{:?}",
        w.issues
    );
}

#[test]
fn walker_unknown_qualifier_is_left_to_the_validator() {
    let text = subscriber_claim(1).replace("HI*ABK:J020~", "REF*ZZ*1~HI*ABK:J020~");
    let segments = segs(&text);
    let w = walk(p(), &segments);
    assert_eq!(w.issues, vec![]);
    let def = w.placements[15].segment().unwrap();
    let mut out = Vec::new();
    validate_segment(def, &segments[15], &mut out);
    assert!(
        matches!(out.as_slice(), [ElementIssue::CodeInvalid { elem: 1, .. }]),
        "{out:?}"
    );
}

#[test]
fn walker_empty_and_garbage_input() {
    let w = walk::<TestSeg>(p(), &[]);
    assert!(
        w.issues
            .iter()
            .all(|i| matches!(i, StructureIssue::RequiredMissing { .. }))
    );
    let w = walk(i(), &segs("FOO~BAR*1~SE*1~"));
    assert_eq!(w.placements.len(), 3);
}

#[path = "corpus_tests.rs"]
mod corpus;

// ----------------------------------------------------------------------------------------
// Qualifier-dependent code lists (issue 14 §4)

/// A value of the element's type, for filling positions a test does not care about.
fn filler(e: &ElementDef) -> String {
    match e.kind {
        ElementKind::Simple {
            codes,
            data_type,
            min_len,
            ..
        } => {
            if let Some(first) = codes.list().and_then(|l| l.first()) {
                return (*first).to_string();
            }
            match data_type {
                DataType::DT => "20240101".into(),
                DataType::TM => "1200".into(),
                DataType::R | DataType::N(_) => "1".into(),
                _ => "X".repeat(usize::from(min_len.max(1))),
            }
        }
        ElementKind::Composite(_) => String::new(),
    }
}

/// Every element and component of a definition with its 1-based position.
fn flat_elements(s: &SegmentDef) -> Vec<(usize, usize, &'static ElementDef)> {
    let mut out = Vec::new();
    for (k, e) in s.elements.iter().enumerate() {
        match e.composite() {
            None => out.push((k + 1, 0, e)),
            Some(c) => out.extend(
                c.components
                    .iter()
                    .enumerate()
                    .map(|(j, ce)| (k + 1, j + 1, ce)),
            ),
        }
    }
    out
}

/// The segment `def` with `target` (elem, comp) set to `value`, its qualifier to `qual`, and
/// every used position before the target filled with a valid value.
fn build_segment(def: &SegmentDef, qual: &str, target: (usize, usize), value: &str) -> String {
    let q = def.qualifier.expect("only qualified definitions are built");
    let qpos = (usize::from(q.elem), usize::from(q.comp.max(1)));
    let mut elems: Vec<Vec<String>> = Vec::new();
    for (i, j, e) in flat_elements(def) {
        let pos = (i, j.max(1));
        if pos > target.max(qpos) {
            break;
        }
        if elems.len() < i {
            elems.resize(i, Vec::new());
        }
        let v = if pos == (target.0, target.1.max(1)) {
            value.to_string()
        } else if pos == qpos {
            qual.to_string()
        } else if e.usage == Usage::NotUsed {
            String::new()
        } else {
            filler(e)
        };
        let comps = &mut elems[i - 1];
        comps.resize(j.max(1), String::new());
        comps[j.max(1) - 1] = v;
    }
    let body: Vec<String> = elems.iter().map(|c| c.join(":")).collect();
    format!("{}*{}", def.id, body.join("*"))
}

/// Code lists that differ between the definitions of one segment id in one loop: the list
/// depends on the qualifier (DTP02 is RD8 for DTP*434, D8/DT for DTP*435 in 837I 2300).
fn qualifier_dependent(l: &LoopDef) -> Vec<(&'static SegmentDef, usize, usize)> {
    let mut out = Vec::new();
    for n in l.children {
        let Node::Segment(s) = n else { continue };
        let siblings: Vec<_> = l.segments(s.id.as_bytes()).collect();
        if siblings.len() < 2 || s.qualifier.is_none() {
            continue;
        }
        for (i, j, e) in flat_elements(s) {
            let list = e.codes().and_then(Codes::list);
            let differs = siblings.iter().any(|o| {
                let other = flat_elements(o)
                    .into_iter()
                    .find(|&(oi, oj, _)| (oi, oj) == (i, j))
                    .and_then(|(_, _, oe)| oe.codes().and_then(Codes::list));
                other != list
            });
            if differs && list.is_some() && e.usage != Usage::NotUsed {
                out.push((*s, i, j));
            }
        }
    }
    out
}

#[test]
fn qualifier_dependent_lists_accept_every_code_of_their_qualifier() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for g in [p(), i()] {
        for l in g.loops() {
            for (def, i, j) in qualifier_dependent(l) {
                let q = def.qualifier.expect("filtered on a qualifier");
                let e = flat_elements(def)
                    .into_iter()
                    .find(|&(a, b, _)| (a, b) == (i, j))
                    .map(|(_, _, e)| e)
                    .expect("position from flat_elements");
                let list = e.codes().and_then(Codes::list).unwrap_or_default();
                for qual in q.codes {
                    for code in list {
                        let text = build_segment(def, qual, (i, j), code);
                        let s = seg(&text);
                        let placed = walk::place_in(g, l.path, &s);
                        let mut out = Vec::new();
                        if let Some(d) = placed.segment() {
                            validate_segment(d, &s, &mut out);
                        }
                        checked += 1;
                        let bad: Vec<_> = out
                            .iter()
                            .filter(|x| matches!(x, ElementIssue::CodeInvalid { .. }))
                            .collect();
                        if placed.segment().is_none() || !bad.is_empty() {
                            failures.push(format!(
                                "{} {:?} `{text}` ({}): {:?} {bad:?}",
                                g.version,
                                l.path,
                                e.ref_des,
                                placed.segment().map(|d| d.name)
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} segments built");
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn an_unknown_qualifier_is_the_only_code_reported() {
    let mut checked = 0;
    for g in [p(), i()] {
        for l in g.loops() {
            for (def, i, j) in qualifier_dependent(l) {
                let q = def.qualifier.expect("filtered on a qualifier");
                let qpos = (usize::from(q.elem), usize::from(q.comp));
                if (i, j.max(1)) == (qpos.0, qpos.1.max(1)) {
                    continue; // the qualifier itself
                }
                let e = flat_elements(def)
                    .into_iter()
                    .find(|&(a, b, _)| (a, b) == (i, j))
                    .map(|(_, _, e)| e)
                    .expect("position from flat_elements");
                for code in e.codes().and_then(Codes::list).unwrap_or_default() {
                    let text = build_segment(def, "Z9", (i, j), code);
                    let s = seg(&text);
                    let placed = walk::place_in(g, l.path, &s);
                    let mut out = Vec::new();
                    validate_placed(&placed, &s, &mut out);
                    let codes: Vec<_> = out
                        .iter()
                        .filter_map(|x| match x {
                            ElementIssue::CodeInvalid { elem, comp, codes } => {
                                Some(((*elem, *comp), *codes))
                            }
                            _ => None,
                        })
                        .collect();
                    assert_eq!(
                        codes,
                        vec![(qpos, q.in_loop)],
                        "{} {:?} `{text}`",
                        g.version,
                        l.path
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn in_loop_lists_every_qualifier_of_the_loop() {
    let dtp = seg_def(i(), P_2300, "DTP", Some("434"));
    assert_eq!(dtp.qualifier.unwrap().in_loop, ["050", "096", "434", "435"]);
    let dtp = seg_def(p(), P_2300, "DTP", Some("431"));
    assert_eq!(dtp.qualifier.unwrap().in_loop.len(), 19);
}

/// The walk looks up children by rank with a binary search (`report_missing`): every loop's
/// children must be in rank order.
#[test]
fn children_are_in_rank_order() {
    for g in [p(), i()] {
        for l in g.loops() {
            let ranks: Vec<u16> = l.children.iter().map(|n| n.rank()).collect();
            assert!(ranks.is_sorted(), "{} {}: {ranks:?}", g.version, l.id);
        }
    }
}

/// Each definition's `required` bits are its Required elements (what the validator's loop
/// over present-or-required elements relies on).
#[test]
fn required_bits_are_the_required_elements() {
    for d in all_segment_defs() {
        let want = d
            .elements
            .iter()
            .enumerate()
            .filter(|(i, e)| *i < 64 && e.usage == Usage::Required)
            .fold(0u64, |bits, (i, _)| bits | 1 << i);
        assert_eq!(d.required, want, "{} {}", d.id, d.name);
    }
}

/// The ids a segment written in lower case is read as (`claimlint_x12::segment::IDS_837`) are
/// exactly the ids of the two guides and the envelope segments inside an interchange, sorted.
#[test]
fn lower_case_ids_fold_to_the_guides_ids() {
    let mut ids: Vec<&str> = [Guide::X222A1, Guide::X223A2]
        .into_iter()
        .flat_map(|g| guide(g).segment_ids.iter().copied())
        .chain(["GS", "GE", "IEA"])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids, claimlint_x12::segment::IDS_837);
}

/// A loop whose opening segment is missing (`HL*2*1*22*0` deleted): the walk opens 2000B at
/// the SBR, one issue, and places what follows in it, not one `Unexpected` per segment.
/// Misspelled (`HQ`), the stand-in is the one `Unexpected`, and the issue says it came after
/// it. An HI moved below `LX*1` came late in the claim still open: no new claim is opened.
#[test]
fn walker_opens_a_loop_whose_opener_is_missing() {
    let text = subscriber_claim(2).replace("HL*2*1*22*0~", "");
    let segments = segs(&text);
    let at = segments.iter().position(|s| s.id() == b"SBR").unwrap();
    let w = walk(p(), &segments);
    let opened = |at, after_stray| StructureIssue::OpenerMissing {
        id: "2000B",
        parent: "2000A",
        at,
        after_stray,
    };
    assert_eq!(w.issues, vec![opened(at, false)]);
    assert_eq!(w.placements[at].path().unwrap(), &["2000A", "2000B"]);
    assert!(w.placements.iter().all(|p| p.segment().is_some()));

    let text = subscriber_claim(2).replace("HL*2*1*22*0~", "HQ*2*1*22*0~");
    let w = walk(p(), &segs(&text));
    assert_eq!(
        w.issues,
        vec![StructureIssue::Unexpected { at }, opened(at + 1, true)]
    );

    let text = subscriber_claim(1).replace("HI*ABK:J020~LX*1~", "LX*1~HI*ABK:J020~");
    let segments = segs(&text);
    let hi = segments.iter().position(|s| s.id() == b"HI").unwrap();
    let w = walk(p(), &segments);
    assert!(w.issues.contains(&StructureIssue::Unexpected { at: hi }));
    assert!(
        !w.issues
            .iter()
            .any(|i| matches!(i, StructureIssue::OpenerMissing { .. }))
    );
}

/// A loop's opener with a qualifier no place takes (`NM1*ZZ`, `NM1**` where 1000B's NM1*40
/// belongs; `NM1*IN` for 2010BB's NM1*PR), or with its qualifier left out with its separator
/// (`NM1*2*…` for `NM1*40*2*…` or `NM1*PR*2*…`) or one separator too many before it
/// (`NM1**PR*2*…`), opens that loop, placed by its id alone, so that its qualifier (or the
/// slip, `realign`) is the one finding: not an `Unexpected` for it and a missing loop. An NM1
/// whose qualifier another loop takes (`NM1*IL` where 2010BB's NM1*PR belongs) is read as
/// that loop's (a second 2010BA), not as 2010BB misqualified: 2010BB stays missing.
#[test]
fn walker_opens_a_required_loop_at_its_misqualified_opener() {
    for (from, to, path) in [
        ("NM1*40*2", "NM1*ZZ*2", vec!["1000B"]),
        ("NM1*40*2", "NM1**2", vec!["1000B"]),
        ("NM1*PR*2", "NM1*IN*2", vec!["2000A", "2000B", "2010BB"]),
        ("NM1*40*2", "NM1*2", vec!["1000B"]),
        ("NM1*PR*2", "NM1*2", vec!["2000A", "2000B", "2010BB"]),
        ("NM1*PR*2", "NM1**PR*2", vec!["2000A", "2000B", "2010BB"]),
    ] {
        let text = subscriber_claim(1).replacen(from, to, 1);
        let segments = segs(&text);
        let at = text.split('~').position(|s| s.starts_with(to)).unwrap();
        let w = walk(p(), &segments);
        assert_eq!(w.issues, vec![], "{to}");
        assert_eq!(w.placements[at].path().unwrap(), path.as_slice(), "{to}");
        assert!(
            matches!(
                w.placements[at],
                Placement::Placed {
                    qualified: false,
                    ..
                }
            ),
            "{to}"
        );
    }
    let text = subscriber_claim(1).replacen("NM1*PR*2", "NM1*IL*2", 1);
    let w = walk(p(), &segs(&text));
    assert!(
        w.issues
            .iter()
            .any(|i| matches!(i, StructureIssue::RequiredMissing { id: "2010BB", .. })),
        "{:?}",
        w.issues
    );
}

/// A segment written before segments of its loop that the guide puts before it (`DMG` before
/// `N3` and `N4` in 2010BA) is the one out of order, not each segment it jumped; a segment
/// that came late is still the one reported. An NM1 whose qualifier is empty but whose other
/// elements no 1000B NM1 takes (a person, an NPI) does not open 1000B.
#[test]
fn the_fewest_segments_out_of_order_are_reported() {
    let ok = subscriber_claim(1);
    let moved = ok.replacen(
        "NM1*IL*1*SMITH*TED****MI*000221111A~",
        "NM1*IL*1*SMITH*TED****MI*000221111A~DMG*D8*19430501*M~",
        1,
    );
    // The template's 2010BA has no N3/N4: give it both, after the DMG.
    let moved = moved.replacen(
        "DMG*D8*19430501*M~",
        "DMG*D8*19430501*M~N3*1 MAIN ST~N4*MIAMI*FL*33111~",
        1,
    );
    let pieces: Vec<&str> = moved.split('~').collect();
    let dmg = pieces.iter().position(|s| s.starts_with("DMG")).unwrap();
    let w = walk(p(), &segs(&moved));
    assert_eq!(w.issues, vec![StructureIssue::Unexpected { at: dmg }]);
    assert_eq!(crate::belongs_after(&w.placements, dmg), Some(dmg + 2));

    let late = ok.replacen(
        "NM1*IL*1*SMITH*TED****MI*000221111A~",
        "NM1*IL*1*SMITH*TED****MI*000221111A~N4*MIAMI*FL*33111~N3*1 MAIN ST~",
        1,
    );
    let pieces: Vec<&str> = late.split('~').collect();
    let n3 = pieces
        .iter()
        .position(|s| s.starts_with("N3*1 MAIN"))
        .unwrap();
    let w = walk(p(), &segs(&late));
    assert_eq!(w.issues, vec![StructureIssue::Unexpected { at: n3 }]);
    assert_eq!(crate::belongs_after(&w.placements, n3), None);

    let person = ok.replacen(
        "NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT",
        "NM1**1*SMITH*JOHN****XX*1234567893",
        1,
    );
    let pieces: Vec<&str> = person.split('~').collect();
    let at = pieces.iter().position(|s| s.starts_with("NM1**1")).unwrap();
    let w = walk(p(), &segs(&person));
    assert!(
        w.issues.contains(&StructureIssue::Unexpected { at }),
        "{:?}",
        w.issues
    );
}

/// Every definition of both guides with every used position filled with a valid value, as
/// elements of components.
fn filled(def: &SegmentDef) -> Vec<Vec<String>> {
    def.elements
        .iter()
        .map(|e| match e.composite() {
            _ if e.usage == Usage::NotUsed => vec![String::new()],
            None => vec![filler(e)],
            Some(c) => c
                .components
                .iter()
                .map(|ce| match ce.usage {
                    Usage::NotUsed => String::new(),
                    _ => filler(ce),
                })
                .collect(),
        })
        .collect()
}

fn segment_text(id: &str, elems: &[Vec<String>]) -> String {
    let body: Vec<String> = elems.iter().map(|c| c.join(":")).collect();
    format!("{id}*{}", body.join("*"))
}

/// The one-pass clean test (`segment_is_clean`) says a segment is clean exactly when
/// `validate_segment` finds nothing, for every definition of both guides: filled in, with
/// each position emptied or set to values of every type, wrong ones, controls, separators,
/// and with elements cut off or added. Where it reads a repetition separator it may leave a
/// clean segment to the full check, never the other way round.
#[test]
fn the_clean_test_agrees_with_validation() {
    use claimlint_x12::{Segment, split::SplitSegment};
    let (delims, _) = view_samples(); // `*` `:` `^` `~`
    let values = [
        "",
        "X",
        "1",
        "-1.5",
        "1.2.3",
        "20240101",
        "20240231",
        "1200",
        "2500",
        "HC",
        "D8",
        "\u{1}A",
        "A:B",
        ":",
        "A:",
        "^",
        "A^B",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    ];
    let (mut checked, mut clean) = (0usize, 0usize);
    for def in all_segment_defs() {
        let base = filled(def);
        let mut texts = vec![segment_text(def.id, &base), def.id.to_string()];
        texts.push(format!("{}*", texts[0]));
        texts.push(format!("{}*X", texts[0]));
        for k in 0..base.len() {
            texts.push(segment_text(def.id, &base[..k]));
            for j in 0..base[k].len() {
                for v in values {
                    let mut e = base.clone();
                    e[k][j] = v.to_string();
                    texts.push(segment_text(def.id, &e));
                }
            }
        }
        for text in &texts {
            for seg in [
                Segment::new(text.as_bytes(), 0, delims, 1),
                Segment::unindexed(text.as_bytes(), 0, delims, 1),
            ] {
                let mut out = Vec::new();
                validate_segment(def, &SplitSegment::new(&seg), &mut out);
                let fast = segment_is_clean(def, &seg);
                checked += 1;
                clean += usize::from(fast);
                if text.contains('^') {
                    assert!(!fast || out.is_empty(), "{} `{text}`: {out:?}", def.name);
                } else {
                    assert_eq!(fast, out.is_empty(), "{} `{text}`: {out:?}", def.name);
                }
            }
        }
    }
    assert!(checked > 100_000 && clean > 10_000, "{checked} {clean}");
}

/// A walk resumed at a loop's opener (`HL`, `CLM`) from the state the walk of the set had
/// there reads the rest as that walk does: the same placements and the same findings, counted
/// from there; with claims broken (a CLM below its HI, an LX below its SV1) and whole.
#[test]
fn a_walk_resumed_at_an_opener_reads_as_the_whole_walk() {
    let mut text = format!("{HEAD}HL*2*1*22*0~SBR*P*18*******CI~{SUB}");
    for n in 0..6 {
        let claim = match n % 3 {
            0 => CLAIM.to_string(),
            1 => CLAIM.replacen(
                "CLM*26463774*100***11:B:1*Y*A*Y*I~HI*ABK:J020~",
                "HI*ABK:J020~CLM*26463774*100***11:B:1*Y*A*Y*I~",
                1,
            ),
            _ => CLAIM.replacen(
                "LX*1~SV1*HC:99213*40*UN*1***1~",
                "SV1*HC:99213*40*UN*1***1~LX*1~",
                1,
            ),
        };
        text.push_str(&claim);
    }
    text.push_str("SE*1*0021~");
    let segments = segs(&text);
    let whole = walk(p(), &segments);
    assert!(!whole.issues.is_empty());
    let mut walking = Walking::new(p());
    for r in 0..segments.len() {
        if segments[r].id() == b"HL" || segments[r].id() == b"CLM" {
            let from = walking.resume_point();
            let part = crate::walk_from(&from, &segments[r..]);
            let def = |p: &Placement| p.segment().map(|s| s as *const SegmentDef);
            let want: Vec<_> = whole.placements[r..].iter().map(def).collect();
            let got: Vec<_> = part.placements.iter().map(def).collect();
            assert_eq!(got, want, "placements from {r}");
            let want: Vec<usize> = whole
                .issues
                .iter()
                .map(|i| i.at())
                .filter(|&a| a >= r)
                .collect();
            let got: Vec<usize> = part.issues.iter().map(|i| i.at() + r).collect();
            assert_eq!(got, want, "issues from {r}");
        }
        let ahead = |k: usize| segments.get(r + 1 + k);
        walking.step(&segments[r], &ahead);
    }
}
