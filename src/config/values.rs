//! Defaults and the readers of single values (numbers in a range, booleans, colours, address
//! ranges, one of a few words) that `Config::load` applies to each setting.

use super::ConfigError;

/// Photos from a phone are 2 to 8 MB; a plan or a quote as PDF rarely more.
pub(super) const DEFAULT_UPLOAD_MAX_MB: usize = 10;

/// A 48-megapixel phone photo is refused; anything a town would show is far smaller, and
/// decoding 40 megapixels takes 160 MB, which bounds what one upload may cost.
pub(super) const DEFAULT_IMAGE_MAX_MEGAPIXELS: u64 = 40;

/// Uploads beside the data: `town.db` → `town.db-uploads`, so that a copy of the data folder
/// takes them along; with PostgreSQL, `uploads` in the working folder.
pub(super) fn default_upload_dir(database_url: &str) -> std::path::PathBuf {
    if crate::db::Backend::of_url(database_url) == crate::db::Backend::Sqlite {
        let path = crate::db::sqlite_path(database_url);
        if path != ":memory:" && !path.is_empty() {
            return format!("{path}-uploads").into();
        }
    }
    "uploads".into()
}

/// Long enough for a burst of a few hundred sign-ins to drain on two cores, short enough that a
/// person is told to retry rather than left waiting.
pub(super) const DEFAULT_HASH_WAIT_MS: u64 = 5000;

/// One hash per core: argon2 keeps a core busy, so more at once only queue and take memory.
pub(super) fn default_hash_slots() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// A number from the environment variable `name` (which wins) or else `otherwise` (the file's
/// value or the default), refused with `what` when it is not a number in `range`.
pub(super) fn number_in<T>(
    name: &'static str,
    otherwise: T,
    range: std::ops::RangeInclusive<T>,
    what: &'static str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let (value, text) = match std::env::var(name).ok().filter(|v| !v.is_empty()) {
        Some(v) => (v.trim().parse::<T>().ok(), v),
        None => {
            let text = otherwise.to_string();
            (Some(otherwise), text)
        }
    };
    value.filter(|n| range.contains(n)).ok_or(ConfigError::Invalid {
        name,
        what,
        value: text,
    })
}

pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The item of `words` that `value` names (case and surrounding spaces aside), `None` when the
/// setting is not given; any other word is refused with `what`, under the setting's `name`.
pub(super) fn choice<T: Copy>(
    name: &'static str,
    value: Option<String>,
    words: &[(&str, T)],
    what: &'static str,
) -> Result<Option<T>, ConfigError> {
    let Some(text) = value else {
        return Ok(None);
    };
    let word = text.trim().to_ascii_lowercase();
    match words.iter().find(|(w, _)| *w == word) {
        Some((_, item)) => Ok(Some(*item)),
        None => Err(ConfigError::Invalid {
            name,
            what,
            value: text,
        }),
    }
}

pub(super) fn is_hex_color(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A list of addresses or CIDR ranges, from the environment variable `name` (comma-separated) or
/// else the configuration file's list.
pub(super) fn address_ranges(
    name: &'static str,
    from_file: Option<Vec<String>>,
) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    let values: Vec<String> = match std::env::var(name).ok().filter(|v| !v.is_empty()) {
        Some(v) => v.split(',').map(str::to_string).collect(),
        None => from_file.unwrap_or_default(),
    };
    values
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            crate::web::client_ip::parse_range(p).ok_or(ConfigError::Invalid {
                name,
                what: "address or CIDR range",
                value: p.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::choice;
    use crate::config::ConfigError;

    const WORDS: &[(&str, u8)] = &[("required", 1), ("optional", 2)];

    #[test]
    fn a_choice_reads_its_words_whatever_their_case_and_spaces() {
        assert_eq!(
            choice("X", Some(" Optional ".into()), WORDS, "w").unwrap(),
            Some(2)
        );
        assert_eq!(choice("X", Some("required".into()), WORDS, "w").unwrap(), Some(1));
    }

    #[test]
    fn a_choice_not_given_is_none_and_another_word_is_refused_with_its_setting() {
        assert_eq!(choice("X", None, WORDS, "w").unwrap(), None);
        match choice(
            "PLENUM_X",
            Some("maybe".into()),
            WORDS,
            "choice (required or optional)",
        ) {
            Err(ConfigError::Invalid { name, what, value }) => {
                assert_eq!(
                    (name, what, value.as_str()),
                    ("PLENUM_X", "choice (required or optional)", "maybe")
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
