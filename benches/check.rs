//! Criterion benches: the envelope scan and lexing ("tokenize"), the loop tree and model
//! ("tree"), and a full `check` with every rule. The input is the 837P template's subscriber
//! and claim block repeated to about 4 MB in transaction sets of 100 claims, so the figures are
//! throughput on realistic segments. `scripts/bench.sh` measures whole files at 10 MB–1 GB.
#![allow(clippy::unwrap_used)] // a test may panic on what it set up itself

use claimlint::config::Settings;
use claimlint_model::{self as model, Kind};
use claimlint_x12::envelope;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const TEMPLATE: &str = include_str!("../fixtures/templates/837p.x12");

/// ~4 MB: transaction sets of 100 claims each, every claim a Prolia line and an admin line.
fn input() -> Vec<u8> {
    let segs: Vec<&str> = TEMPLATE.split("~\n").filter(|s| !s.is_empty()).collect();
    let hl2 = segs.iter().position(|s| s.starts_with("HL*2*")).unwrap();
    let se = segs.iter().position(|s| s.starts_with("SE*")).unwrap();
    let st = segs.iter().position(|s| s.starts_with("ST*")).unwrap();
    let (isa_gs, head, block) = (&segs[..st], &segs[st..hl2], &segs[hl2..se]);
    let mut out = String::new();
    for s in isa_gs {
        out.push_str(s);
        out.push_str("~\n");
    }
    let sets = 300;
    for t in 0..sets {
        let mut body: Vec<String> = head
            .iter()
            .map(|s| s.replace("ST*837*0001", &format!("ST*837*{:04}", t + 1)))
            .collect();
        for c in 0..100 {
            for s in block {
                let s = s
                    .replace("HL*2*1*22*0", &format!("HL*{}*1*22*0", c + 2))
                    .replace("PAT1001-01", &format!("PAT{t:04}{c:03}-01"));
                body.push(s);
            }
        }
        body.push(format!("SE*{}*{:04}", body.len() + 1, t + 1));
        for s in body {
            out.push_str(&s);
            out.push_str("~\n");
        }
    }
    out.push_str(&format!("GE*{sets}*1~\nIEA*1*000000001~\n"));
    out.into_bytes()
}

fn benches(c: &mut Criterion) {
    let data = input();
    let settings = Settings::default();
    // The input must be what it claims to be: clean, and read whole.
    let o = claimlint_rules::engine::check(&data, &settings);
    assert_eq!(o.stats.claims, 30_000);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics.first());

    let mut g = c.benchmark_group("837p");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    g.bench_function("tokenize", |b| {
        b.iter(|| {
            let scan = envelope::scan(black_box(&data));
            scan.transactions()
                .map(|(_, _, t)| envelope::segments(&data, t).count())
                .sum::<usize>()
        })
    });
    g.bench_function("tree", |b| {
        b.iter(|| {
            let scan = envelope::scan(black_box(&data));
            scan.transactions()
                .map(|(_, _, t)| {
                    model::build(Kind::Professional, envelope::segments(&data, t).collect())
                        .claims
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("check", |b| {
        b.iter(|| {
            claimlint_rules::engine::check(black_box(&data), &settings)
                .stats
                .claims
        })
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
