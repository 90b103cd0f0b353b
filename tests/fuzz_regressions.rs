//! Replays every file under `fuzz/regressions/<target>/` (crashes the fuzzers found, and a few
//! interesting corpus entries) through the fuzz targets' own bodies, `fuzz/src/lib.rs`: none may
//! panic, and rendered or sanitised HTML must hold no script. Runs in well under a second.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 7] = [
    ("pb_reader", targets::pb_reader),
    ("cavage_header", targets::cavage_header),
    ("rfc9421_headers", targets::rfc9421_headers),
    ("digests", targets::digests),
    ("markdown", targets::markdown),
    ("census_csv", targets::census_csv),
    ("activity_json", targets::activity_json),
];

#[test]
fn every_regression_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.is_file()) {
            let data = std::fs::read(file).expect("readable regression file");
            let result = std::panic::catch_unwind(|| target(&data));
            assert!(result.is_ok(), "{name}: {} panicked", file.display());
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression inputs found under {}",
        root.display()
    );
}

#[test]
fn the_script_checker_catches_what_it_must() {
    assert!(targets::script_free("<p>a</p><a href=\"https://x\" rel=\"n\">b</a>").is_ok());
    assert!(targets::script_free("<p>onclick=alert(1)</p>").is_ok());
    assert!(targets::script_free("<script>alert(1)</script>").is_err());
    assert!(targets::script_free("<img src=\"x\" onerror=\"alert(1)\">").is_err());
    assert!(targets::script_free("<a href=\" JaVa&#115;cript:alert(1)\">x</a>").is_err());
    assert!(targets::script_free("<a title=\"a>b\" href=\"javascript:x\">x</a>").is_err());
}

#[test]
fn markdown_xss_payloads_come_out_clean() {
    for payload in [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "[x](&#106;avascript:alert(1))",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<svg><script>alert(1)</script></svg>",
    ] {
        targets::markdown(payload.as_bytes());
    }
}
