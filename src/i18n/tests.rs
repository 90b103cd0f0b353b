use super::*;

#[test]
fn accept_language_prefers_highest_quality_supported() {
    assert_eq!(negotiate(Some("de-DE,en;q=0.8,fr;q=0.9"), "en"), "fr");
    assert_eq!(negotiate(Some("en-GB"), "fr"), "en");
    assert_eq!(negotiate(Some("de"), "en"), "en");
    assert_eq!(negotiate(None, "fr"), "fr");
}

#[test]
fn french_and_english_have_the_same_messages() {
    let i18n = I18n::load();
    let mut fr = i18n.message_ids("fr");
    let mut en = i18n.message_ids("en");
    fr.sort();
    en.sort();
    let only_fr: Vec<_> = fr.iter().filter(|id| !en.contains(id)).collect();
    let only_en: Vec<_> = en.iter().filter(|id| !fr.contains(id)).collect();
    assert!(
        only_fr.is_empty() && only_en.is_empty(),
        "only in fr: {only_fr:?}; only in en: {only_en:?}"
    );
    assert!(fr.len() > 50);
}

#[test]
fn messages_formatted_at_start_read_as_formatting_them_now() {
    let i18n = I18n::load();
    for lang in SUPPORTED {
        let tr = i18n.tr(lang);
        let plain = &i18n.plain[lang];
        assert!(plain.len() > 50, "{lang}: {} plain messages", plain.len());
        for id in i18n.message_ids(lang) {
            assert_eq!(tr.t(&id), i18n.format(lang, &id, None), "{lang} {id}");
        }
    }
    // One that takes an argument is not among them, and still formats.
    assert!(!i18n.plain["en"].contains_key("endorsements-count"));
    assert!(i18n.tr("en").count("endorsements-count", 3).contains('3'));
}

#[test]
fn remembered_counts_read_as_formatting_them_now() {
    let i18n = I18n::load();
    for lang in SUPPORTED {
        let tr = i18n.tr(lang);
        for round in 0..2 {
            for n in [0i64, 1, 2, 5, 21, 1000] {
                let fresh = tr.plural("endorsements-count", "count", n, &[]);
                assert_eq!(
                    tr.count("endorsements-count", n),
                    fresh,
                    "{lang} {n} round {round}"
                );
            }
        }
    }
    // The same number in another message or language is another text.
    let (fr, en) = (i18n.tr("fr"), i18n.tr("en"));
    assert_ne!(
        fr.count("endorsements-count", 2),
        en.count("endorsements-count", 2)
    );
    assert_ne!(en.count("endorsements-count", 2), en.count("comments-count", 2));
}

#[test]
fn plural_counts_from_a_thousand_are_grouped_and_keep_their_variant() {
    let i18n = I18n::load();
    for lang in SUPPORTED {
        let tr = i18n.tr(lang);
        let group = tr.t("number-group");
        let plurals: Vec<(String, String)> = SOURCES
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, s)| *s)
            .unwrap_or(&[])
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|line| {
                let (id, rest) = line.split_once(" = ")?;
                let (var, _) = rest.trim().strip_prefix("{ $")?.split_once(" ->")?;
                Some((id.trim().to_string(), var.to_string()))
            })
            .collect();
        assert!(plurals.len() > 10, "{lang}: {plurals:?}");
        for (id, var) in &plurals {
            for n in [1000i64, 1234, 20_000, 1_000_000, 2_500_000] {
                // Fluent's own choice, with the number as a number; only the digits differ.
                let mut args = FluentArgs::new();
                args.set(var.clone(), FluentValue::from(n));
                let (raw, _) = i18n.format_pattern(lang, id, Some(&args)).expect("a message");
                let grouped = tr.integer(n);
                assert!(grouped.contains(group.as_str()), "{lang} {n}: {grouped}");
                assert_eq!(
                    tr.plural(id, var, n, &[]),
                    raw.replace(&n.to_string(), &grouped),
                    "{lang} {id} with {n}"
                );
            }
        }
    }
    assert_eq!(
        I18n::load().tr("fr").count("endorsements-count", 1234),
        "1\u{202F}234 soutiens"
    );
    assert_eq!(
        I18n::load().tr("en").count("endorsements-count", 1234),
        "1,234 endorsements"
    );
    assert_eq!(
        I18n::load().tr("en").count("endorsements-count", 1),
        "1 endorsement"
    );
}

#[test]
fn every_message_used_in_templates_exists() {
    let i18n = I18n::load();
    let known = i18n.message_ids("en");
    let mut files = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates"
    ))];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).expect("templates folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut missing = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("template text");
        // A leading dot keeps `errors.get("…")` or `.format("…")` out of the search.
        for call in [".t(\"", ".t_with(\"", ".count(\""] {
            for piece in text.split(call).skip(1) {
                let id = piece.split('"').next().unwrap_or("");
                if !known.iter().any(|k| k == id) {
                    missing.push(format!("{}: {id}", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message ids used but not defined: {missing:?}"
    );
}
