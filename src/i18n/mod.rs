//! Translations: Fluent files in `locales/`, compiled into the binary.
//!
//! Templates never hold user-facing text; they ask a [`Tr`] for a message id. The language comes
//! from the account setting, else the `Accept-Language` header, else the instance default.

use std::collections::HashMap;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use rustc_hash::FxHashMap;
use unic_langid::LanguageIdentifier;

mod format;

pub use format::{moment, percent_of, DEFAULT_ZONE};

/// Languages we ship, in the order offered to people.
pub const SUPPORTED: &[&str] = &["fr", "en"];

/// One Fluent file per area of the interface, so that each stays readable.
macro_rules! areas {
    ($lang:literal) => {
        &[
            include_str!(concat!("../../locales/", $lang, "/common.ftl")),
            include_str!(concat!("../../locales/", $lang, "/citizen.ftl")),
            include_str!(concat!("../../locales/", $lang, "/admin.ftl")),
            include_str!(concat!("../../locales/", $lang, "/api.ftl")),
            include_str!(concat!("../../locales/", $lang, "/budget.ftl")),
            include_str!(concat!("../../locales/", $lang, "/federation.ftl")),
            include_str!(concat!("../../locales/", $lang, "/eligibility.ftl")),
            include_str!(concat!("../../locales/", $lang, "/news.ftl")),
            include_str!(concat!("../../locales/", $lang, "/notifications.ftl")),
            include_str!(concat!("../../locales/", $lang, "/security.ftl")),
            include_str!(concat!("../../locales/", $lang, "/participation.ftl")),
            include_str!(concat!("../../locales/", $lang, "/mail.ftl")),
            include_str!(concat!("../../locales/", $lang, "/attachments.ftl")),
            include_str!(concat!("../../locales/", $lang, "/accounts.ftl")),
        ]
    };
}

const SOURCES: &[(&str, &[&str])] = &[("fr", areas!("fr")), ("en", areas!("en"))];

/// All bundles, loaded once at start.
pub struct I18n {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
    /// Per language, every message that takes no argument, formatted once at start: a page asks
    /// for a hundred of them, and formatting each again (hashing its id, walking its pattern)
    /// showed in the profile of a busy list page.
    plain: HashMap<&'static str, FxHashMap<String, String>>,
}

impl I18n {
    pub fn load() -> Arc<I18n> {
        let mut bundles = HashMap::new();
        for (lang, sources) in SOURCES {
            let id: LanguageIdentifier = lang.parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks around placeables would leak into HTML attributes and tests.
            bundle.set_use_isolating(false);
            for source in *sources {
                let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| {
                    panic!("a file in locales/{lang}/ does not parse: {errors:?}")
                });
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("locales/{lang}/ defines a message twice: {errors:?}"));
            }
            bundles.insert(*lang, bundle);
        }
        let mut i18n = I18n {
            bundles,
            plain: HashMap::new(),
        };
        for (lang, _) in SOURCES {
            // A message that needs an argument fails to format without one: it is left out.
            let plain = i18n
                .message_ids(lang)
                .into_iter()
                .filter_map(|id| match i18n.format_pattern(lang, &id, None)? {
                    (text, errors) if errors.is_empty() => Some((id, text)),
                    _ => None,
                })
                .collect();
            i18n.plain.insert(*lang, plain);
        }
        Arc::new(i18n)
    }

    /// The message formatted, with Fluent's complaints; `None` when the message does not exist.
    fn format_pattern(
        &self,
        lang: &str,
        id: &str,
        args: Option<&FluentArgs>,
    ) -> Option<(String, Vec<fluent_bundle::FluentError>)> {
        let bundle = self.bundles.get(lang)?;
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        Some((text, errors))
    }

    /// The translations loaded once for the whole process: the request handlers' state and the
    /// delivery side (which writes a few words into what peers show, in the town's language)
    /// share them.
    pub fn shared() -> Arc<I18n> {
        static SHARED: std::sync::OnceLock<Arc<I18n>> = std::sync::OnceLock::new();
        SHARED.get_or_init(I18n::load).clone()
    }

    /// A translator bound to one language.
    pub fn tr(self: &Arc<Self>, lang: &str) -> Tr {
        let lang = SUPPORTED.iter().copied().find(|l| *l == lang).unwrap_or("en");
        Tr {
            i18n: self.clone(),
            lang,
            zone: format::DEFAULT_ZONE,
        }
    }

    /// Every message id of a language (used by the tests that keep the files in step).
    pub fn message_ids(&self, lang: &str) -> Vec<String> {
        let sources: &[&str] = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, s)| *s)
            .unwrap_or(&[]);
        sources
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|line| line.split_once(" ="))
            .map(|(id, _)| id.trim())
            .filter(|id| !id.is_empty() && !id.starts_with('#') && !id.starts_with(' '))
            .map(str::to_string)
            .collect()
    }

    fn format(&self, lang: &str, id: &str, args: Option<&FluentArgs>) -> String {
        let Some((text, errors)) = self.format_pattern(lang, id, args) else {
            tracing::warn!(lang, id, "missing translation");
            return id.to_string();
        };
        if !errors.is_empty() {
            tracing::warn!(lang, id, ?errors, "translation formatting error");
        }
        text
    }
}

/// Translator for one request's language.
#[derive(Clone)]
pub struct Tr {
    i18n: Arc<I18n>,
    lang: &'static str,
    /// The town's time zone: stored times are UTC, people read them on the town's clock.
    zone: chrono_tz::Tz,
}

impl Tr {
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        match self.i18n.plain.get(self.lang).and_then(|plain| plain.get(id)) {
            Some(text) => text.clone(),
            None => self.i18n.format(self.lang, id, None),
        }
    }

    /// The message `id` with named arguments.
    pub fn t_with(&self, id: &str, args: &[(&str, String)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value.parse::<i64>() {
                // Numbers go in as numbers so plural rules apply.
                Ok(n) => fluent_args.set(*name, FluentValue::from(n)),
                Err(_) => fluent_args.set(*name, FluentValue::from(value.clone())),
            }
        }
        self.i18n.format(self.lang, id, Some(&fluent_args))
    }

    /// Shorthand for a message with one numeric argument `count`.
    ///
    /// Remembered per thread: a list page formats forty of these ("12 endorsements"), the same
    /// few counts again and again, and Fluent's plural rules go through a memoizer behind one
    /// mutex that the runtime's threads then fight over.
    pub fn count(&self, id: &str, count: impl AsCount) -> String {
        let count = count.as_count();
        COUNTS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(text) = cache.get(self.lang, id, count) {
                return text.clone();
            }
            let text = self.plural(id, "count", count, &[]);
            cache.keep(self.lang, id, count, text.clone());
            text
        })
    }

    /// The message `id` whose variant is chosen by the number `n` (argument `name`), written as
    /// the reader groups digits (`1 234`, `1,234`), with other arguments `args` as texts.
    ///
    /// Fluent writes a number argument without grouping, so from 1,000 on the number goes in as
    /// its written text: a text matches no plural key and selects the default variant, which is
    /// `other` for every count of 1,000 and more in French and English (a test holds every
    /// plural message to it).
    pub fn plural(&self, id: &str, name: &str, n: i64, args: &[(&str, String)]) -> String {
        let mut fluent_args = FluentArgs::new();
        if n.unsigned_abs() >= 1000 {
            fluent_args.set(name.to_string(), FluentValue::from(self.integer(n)));
        } else {
            fluent_args.set(name.to_string(), FluentValue::from(n));
        }
        for (arg, value) in args {
            fluent_args.set(*arg, FluentValue::from(value.clone()));
        }
        self.i18n.format(self.lang, id, Some(&fluent_args))
    }

    /// Translates a domain message.
    pub fn msg(&self, msg: &crate::domain::Msg) -> String {
        if msg.args.is_empty() && msg.shown.is_empty() {
            return self.t(msg.key);
        }
        let mut args: Vec<(&str, String)> = msg.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        for (name, value) in &msg.shown {
            let text = match value {
                crate::domain::Shown::Moment(at) => self.datetime(at),
                crate::domain::Shown::Amount { value, currency } => self.amount(value, currency),
            };
            args.push((*name, text));
        }
        self.t_with(msg.key, &args)
    }
}

/// Formatted counts of one thread, by language, message and number (see [`Tr::count`]).
#[derive(Default)]
struct CountCache {
    by_lang: FxHashMap<&'static str, FxHashMap<String, FxHashMap<i64, String>>>,
    entries: usize,
}

/// Enough for every count of a few busy pages; the cache starts over beyond it.
const COUNTS_KEPT: usize = 4096;

thread_local! {
    static COUNTS: std::cell::RefCell<CountCache> = Default::default();
}

impl CountCache {
    fn get(&self, lang: &'static str, id: &str, count: i64) -> Option<&String> {
        self.by_lang.get(lang)?.get(id)?.get(&count)
    }

    fn keep(&mut self, lang: &'static str, id: &str, count: i64, text: String) {
        if self.entries >= COUNTS_KEPT {
            *self = CountCache::default();
        }
        let messages = self.by_lang.entry(lang).or_default();
        let counts = match messages.get_mut(id) {
            Some(counts) => counts,
            None => messages.entry(id.to_string()).or_default(),
        };
        counts.insert(count, text);
        self.entries += 1;
    }
}

/// Numbers that plural messages accept, by value or by reference (templates pass references).
pub trait AsCount {
    fn as_count(&self) -> i64;
}

impl AsCount for i64 {
    fn as_count(&self) -> i64 {
        *self
    }
}

impl AsCount for i32 {
    fn as_count(&self) -> i64 {
        i64::from(*self)
    }
}

impl AsCount for u64 {
    fn as_count(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl AsCount for u32 {
    fn as_count(&self) -> i64 {
        i64::from(*self)
    }
}

impl AsCount for usize {
    fn as_count(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl<T: AsCount> AsCount for &T {
    fn as_count(&self) -> i64 {
        (**self).as_count()
    }
}

/// Picks the best supported language from an `Accept-Language` header.
pub fn negotiate(accept_language: Option<&str>, default: &str) -> &'static str {
    let Some(header) = accept_language else {
        return SUPPORTED.iter().copied().find(|l| *l == default).unwrap_or("fr");
    };
    let mut choices: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((quality, tag))
        })
        .collect();
    choices.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, tag) in choices {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        if let Some(found) = SUPPORTED.iter().copied().find(|l| *l == primary) {
            return found;
        }
    }
    SUPPORTED.iter().copied().find(|l| *l == default).unwrap_or("fr")
}

#[cfg(test)]
mod tests;
