//! Every word the interface shows, in English and Simplified Chinese. Views
//! take their text from a [`Strings`]; none is written anywhere else.
//! The texts themselves are [`EN`] (in `en.rs`) and [`ZH`] (in `zh.rs`).

use crate::classify::SenderClass;
use crate::track::{SenderKind, Status};
use crate::tui::app::{Filter, Group, Slow, Sort};

mod en;
mod send;
mod zh;

pub use en::EN;
pub use send::SendStrings;
pub use zh::ZH;

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The config's `lang` when it names a language we have, else the
    /// locale: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG` (POSIX
    /// order); Chinese when it starts with `zh`. `env` reads a variable, so
    /// tests never touch the process environment.
    pub fn detect(config: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Lang {
        if let Some(c) = config.map(str::to_ascii_lowercase) {
            if c.starts_with("zh") {
                return Lang::Zh;
            }
            if c.starts_with("en") {
                return Lang::En;
            }
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(&env)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

type Hints = &'static [(&'static str, &'static str)];

/// The interface's text in one language.
#[derive(Debug)]
pub struct Strings {
    /// Chinese: the export prompt offers Chinese first.
    pub is_zh: bool,
    pub loading: &'static str,
    pub too_small: fn(u16, u16, u16, u16) -> String,
    pub tab_senders: &'static str,
    pub tab_timeline: &'static str,
    pub tab_overview: &'static str,

    pub hints_senders: Hints,
    pub hints_timeline: Hints,
    pub hints_overview: Hints,
    pub hints_welcome: Hints,
    pub hints_prompt: Hints,
    pub hints_overlay: Hints,
    pub help_title: &'static str,
    pub help: Hints,
    /// What each status (and "in flight") means, for the help.
    pub help_statuses_title: &'static str,
    pub help_statuses: Hints,

    /// Between a label and its value.
    pub colon: &'static str,
    pub status_names: [&'static str; 7],
    /// port, short code, service, alphanumeric, mobile, email, other.
    pub class_names: [&'static str; 7],
    pub kind_names: [&'static str; 4],
    pub filter_names: [&'static str; 8],
    pub sort_names: [&'static str; 6],

    pub count_marketing: &'static str,
    pub count_opted_out: &'static str,
    pub count_confirmed: &'static str,
    pub count_violating: &'static str,
    pub count_suspicious: &'static str,
    pub count_in_flight: &'static str,

    pub filter_label: &'static str,
    pub sort_label: &'static str,
    pub search_label: &'static str,
    pub search_help: &'static str,
    pub col_status: &'static str,
    pub col_brand: &'static str,
    pub col_sender: &'static str,
    pub col_marketing: &'static str,
    pub col_keyword: &'static str,
    pub col_last_seen: &'static str,
    pub col_after: &'static str,
    /// A to-do group's heading: (group, senders in it).
    pub group_heading: fn(Group, usize) -> String,
    pub first_run: &'static str,
    pub database: &'static str,
    pub demo_database: &'static str,
    pub no_senders: &'static str,
    pub todo_empty: &'static str,
    pub n_numbers: fn(usize) -> String,

    pub detail: &'static str,
    pub no_selection: &'static str,
    pub manual: &'static str,
    pub d_contact: &'static str,
    pub d_aliases: &'static str,
    pub d_brand: &'static str,
    pub d_kind: &'static str,
    pub d_messages: &'static str,
    pub d_keyword: &'static str,
    pub d_opted_out: &'static str,
    pub d_confirmed: &'static str,
    pub d_after: &'static str,
    pub d_in_flight: &'static str,
    pub d_first_seen: &'static str,
    pub d_last_seen: &'static str,
    pub d_siblings: &'static str,
    pub d_numbers: &'static str,
    pub received_marketing: fn(u64, u64) -> String,

    pub no_timeline: &'static str,
    pub no_messages: &'static str,
    pub n_messages: fn(u64) -> String,
    pub dir_in: &'static str,
    pub dir_out: &'static str,
    pub rule: &'static str,
    /// The `w` window: why a message has its kind.
    pub reason_title: &'static str,
    pub reason_kind: &'static str,
    pub reason_words: &'static str,
    /// The rule matched no words (a fallback, a hint, the sender's class).
    pub reason_no_words: &'static str,
    pub reason_none: &'static str,
    pub mark_instruction: fn(&str, &str) -> String,
    pub mark_optout: fn(&str, &str) -> String,
    pub mark_confirmation: &'static str,
    pub mark_in_flight: &'static str,
    pub mark_violation: &'static str,
    /// Message kinds as stored: marketing, transactional, …
    pub message_kinds: [(&'static str, &'static str); 7],

    pub top_offenders: &'static str,
    pub no_offenders: &'static str,
    pub per_month: &'static str,
    pub no_marketing: &'static str,
    pub totals: &'static str,

    pub unsubscribe_title: &'static str,
    pub advice_send: &'static str,
    pub advice_to: &'static str,
    pub advice_as_stated: &'static str,
    /// `y` copies, `s` sends now (optout send).
    pub advice_copy_send: &'static str,
    /// `y` on a suspicious sender.
    pub copy_suspicious: &'static str,
    /// `y` where no keyword is stated.
    pub copy_nothing: &'static str,
    /// "Not sent: {reason}".
    pub send_refused: fn(&str) -> String,
    /// Send "{keyword → number}" now?
    pub send_now_question: fn(&str) -> String,
    /// Send {n} opt-outs now, {pause} s apart? ({left} left out)
    pub send_all_question: fn(usize, u64, usize) -> String,
    /// Nothing on the to-do list can be sent ({left} left out).
    pub send_all_nothing: fn(usize) -> String,
    /// "{i}/{n}: {what it did}".
    pub send_step: fn(usize, usize, &str) -> String,
    /// Stopped at the first failure: {sent} sent, {left} not sent.
    pub send_stopped: fn(usize, usize) -> String,
    /// Already opted out and it kept sending: (opt-out date, messages since).
    pub advice_already_violating: fn(&str, u64) -> String,
    pub advice_suggestion: &'static str,
    pub advice_do_not_reply: &'static str,
    pub advice_report: &'static str,
    pub advice_advertised_ignore: fn(&str) -> String,
    pub advice_unknown: &'static str,
    pub advice_then_m: &'static str,
    pub advice_send_short: &'static str,
    pub advice_suggest_short: &'static str,
    pub advice_do_not_reply_short: &'static str,
    pub advice_unknown_short: &'static str,
    pub advice_violating_short: &'static str,
    pub advice_violating: &'static str,

    pub manual_title: &'static str,
    pub scope_sender: &'static str,
    pub scope_brand: &'static str,
    pub manual_date: &'static str,
    pub manual_channel: &'static str,
    pub manual_help: &'static str,
    /// The `M` list of manual records.
    pub manual_list_title: &'static str,
    /// #, scope, sender/brand, line, when, how, note.
    pub manual_list_cols: [&'static str; 7],
    pub manual_list_empty: &'static str,
    pub manual_list_help: &'static str,
    pub hints_manual_list: Hints,
    /// (id, brand?, name, when) → remove it?
    pub manual_list_confirm: fn(i64, bool, &str, &str) -> String,
    /// (brand?, name, when, channel, removed?)
    pub manual_deleted: fn(bool, &str, &str, &str, bool) -> String,
    /// (brand?, name, when, new id)
    pub manual_restored: fn(bool, &str, &str, i64) -> String,
    pub export_title: &'static str,
    pub export_file: &'static str,
    pub export_selected: &'static str,
    pub export_all_violating: fn(usize) -> String,
    pub export_help: &'static str,
    pub export_dir: &'static str,
    pub export_dir_here: &'static str,
    pub export_redact: &'static str,
    pub export_lang: &'static str,
    pub export_lang_names: [&'static str; 2],
    /// The file exists: overwrite?
    pub export_exists: fn(&str) -> String,
    pub export_need_path: &'static str,
    pub export_none_violating: &'static str,
    pub import_title: &'static str,
    pub import_file: &'static str,
    pub import_help: &'static str,
    pub import_need_path: &'static str,
    pub import_no_match: &'static str,
    /// The column mapping of a CSV whose header is not recognised.
    pub columns_title: &'static str,
    pub columns_intro: fn(&str) -> String,
    /// number, text, date, direction.
    pub columns_fields: [&'static str; 4],
    pub columns_none: &'static str,
    pub columns_example: &'static str,
    pub columns_help: &'static str,
    pub columns_same: &'static str,
    pub columns_unreadable: &'static str,
    pub columns_failed: &'static str,
    pub importing: &'static str,
    /// The import's merge, after its file is read: messages written to the
    /// database, then indexed for search.
    pub import_writing: &'static str,
    pub import_sorting: &'static str,
    pub import_indexing: &'static str,

    pub welcome_title: &'static str,
    pub welcome_what: &'static str,
    pub welcome_no_db: fn(&str) -> String,
    /// Where an in-memory database "is".
    pub in_memory: &'static str,
    pub welcome_steps: &'static [&'static str],
    pub welcome_press: &'static str,
    pub welcome_press_i: &'static str,
    pub welcome_cli: &'static str,

    pub nothing_selected: &'static str,
    pub esc_home: &'static str,
    pub overview_status: &'static str,
    pub confirm_title: &'static str,
    /// (brand?, name, ignore?) → the question.
    pub confirm_ignore: fn(bool, &str, bool) -> String,
    pub confirm_keys: &'static str,
    pub nothing_changed: &'static str,
    pub nothing_to_undo: &'static str,
    /// `R`, and a reload after another optout process changed the database.
    pub refreshed: &'static str,
    pub refreshed_auto: &'static str,
    pub undo_hint: &'static str,
    pub undone: fn(&str) -> String,
    /// (brand?, name, removed?)
    pub manual_removed: fn(bool, &str, bool) -> String,
    pub log_title: &'static str,
    pub log_empty: &'static str,
    pub more_in_log: &'static str,
    pub working: fn(Slow) -> String,
    pub search_cleared: &'static str,
    pub grouped_on: &'static str,
    pub grouped_off: &'static str,
    pub searched: fn(&str, usize, usize) -> String,
    /// After `searched` for a query under three characters: scanned, not
    /// looked up (how many messages; whether older ones were left out).
    pub searched_short: fn(u64, bool) -> String,
    /// Beside the message a search opened the timeline on.
    pub search_match: &'static str,
    pub filter_set: fn(&str, usize) -> String,
    pub sort_set: fn(&str) -> String,
    /// (brand?, name, now ignored?, changed?)
    pub ignored_status: fn(bool, &str, bool, bool) -> String,
    pub ignored_by_brand: fn(&str, &str) -> String,
    /// (brand?, name, when, channel)
    pub manual_recorded: fn(bool, &str, &str, &str) -> String,
    pub export_wrote: fn(&str) -> String,
    pub export_failed: fn(&str) -> String,
    pub imported: fn(&str, u64, u64) -> String,
    pub import_failed: fn(&str) -> String,
    /// The offenders screen (`O`).
    pub offenders: OffendersStrings,
    /// Sending from the interface and its progress view (`strings/send.rs`).
    pub send: SendStrings,
    /// While another optout process holds the database's write lock.
    pub waiting_for_lock: &'static str,
    /// In the keyword column, for a suspicious sender: never send it the
    /// keyword it asks for (the detail still shows what it asked).
    pub do_not_reply: &'static str,
}

/// The words of the offenders screen.
#[derive(Debug)]
pub struct OffendersStrings {
    pub title: &'static str,
    /// What the three line counts mean, under the table.
    pub legend: &'static str,
    pub col_rank: &'static str,
    pub col_offender: &'static str,
    pub col_lines: &'static str,
    pub col_opted: &'static str,
    pub col_reached: &'static str,
    pub col_violations: &'static str,
    pub col_first: &'static str,
    pub col_last: &'static str,
    pub col_median: &'static str,
    pub col_keyword: &'static str,
    pub none: &'static str,
    pub numbers: &'static str,
    pub lines_violating: &'static str,
    pub lines_opted: &'static str,
    pub lines_reached: &'static str,
    pub per_month: &'static str,
    pub detail_hint: &'static str,
    pub hints: Hints,
    pub status: fn(usize) -> String,
    pub not_on_line: fn(&str) -> String,
}

impl Strings {
    pub fn status(&self, s: Status) -> &'static str {
        let i = Status::ALL.iter().position(|x| *x == s).unwrap_or(0);
        self.status_names[i]
    }

    pub fn kind(&self, k: SenderKind) -> &'static str {
        self.kind_names[match k {
            SenderKind::Marketing => 0,
            SenderKind::Suspicious => 1,
            SenderKind::Transactional => 2,
            SenderKind::Personal => 3,
        }]
    }

    pub fn class(&self, c: SenderClass) -> &'static str {
        self.class_names[match c {
            SenderClass::Port => 0,
            SenderClass::ShortCode => 1,
            SenderClass::Service => 2,
            SenderClass::Alphanumeric => 3,
            SenderClass::Mobile => 4,
            SenderClass::Email => 5,
            SenderClass::Other => 6,
        }]
    }

    pub fn filter_name(&self, f: Filter) -> &'static str {
        let i = Filter::ALL.iter().position(|x| *x == f).unwrap_or(0);
        self.filter_names[i]
    }

    pub fn sort_name(&self, s: Sort) -> &'static str {
        let i = Sort::ALL.iter().position(|x| *x == s).unwrap_or(0);
        self.sort_names[i]
    }

    /// A stored message kind in words; unknown kinds as stored.
    pub fn message_kind<'a>(&self, kind: &'a str) -> &'a str {
        self.message_kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(kind, |(_, w)| w)
    }
}

fn senders(n: usize) -> String {
    if n == 1 {
        "1 sender".into()
    } else {
        format!("{n} senders")
    }
}

fn grouped(n: u64) -> String {
    crate::text::group_digits(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn language_from_config_then_locale() {
        assert_eq!(Lang::detect(None, env(&[])), Lang::En);
        assert_eq!(
            Lang::detect(None, env(&[("LANG", "zh_CN.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::detect(
                None,
                env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])
            ),
            Lang::En
        );
        assert_eq!(
            Lang::detect(None, env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::detect(Some("en"), env(&[("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(Lang::detect(Some("zh"), env(&[("LANG", "C")])), Lang::Zh);
        assert_eq!(
            Lang::detect(Some("fr"), env(&[("LANG", "zh_CN")])),
            Lang::Zh
        );
    }

    #[test]
    fn both_languages_name_every_status_filter_and_sort() {
        for s in [&EN, &ZH] {
            assert!(s.status_names.iter().all(|n| !n.is_empty()));
            assert_eq!(s.help.len(), EN.help.len());
            assert_eq!(s.hints_senders.len(), EN.hints_senders.len());
        }
    }
}
