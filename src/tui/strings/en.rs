//! The English text of the interface.

use super::{OffendersStrings, Strings, grouped, senders};
use crate::tui::app::{Group, Slow};

pub static EN: Strings = Strings {
    is_zh: false,
    loading: "loading…",
    too_small: |w, h, mw, mh| {
        format!("The terminal is too small ({w}×{h}): optout needs at least {mw}×{mh}.")
    },
    tab_senders: "Senders",
    tab_timeline: "Timeline",
    tab_overview: "Overview",

    hints_senders: &[
        ("?", "help"),
        ("q", "quit"),
        ("↑↓", "move"),
        ("⏎", "timeline"),
        ("u", "unsubscribe"),
        ("e", "export"),
        ("a", "to-do/all"),
        ("/", "search"),
        ("f", "filter"),
        ("s", "sort"),
        ("m", "manual"),
        ("i", "ignore"),
        ("U", "undo"),
        ("b", "brands"),
        ("I", "import"),
        ("L", "log"),
    ],
    hints_timeline: &[
        ("?", "help"),
        ("q", "quit"),
        ("Esc", "back"),
        ("↑↓", "move"),
        ("PgUp/PgDn", "page"),
        ("g/G", "first/last"),
        ("r", "rules"),
        ("w", "why"),
        ("u", "unsubscribe"),
        ("e", "export"),
        ("m", "manual"),
    ],
    hints_overview: &[
        ("?", "help"),
        ("q", "quit"),
        ("Esc", "back"),
        ("↑↓", "offender"),
        ("⏎", "timeline"),
        ("Tab", "next screen"),
        ("e", "export"),
    ],
    hints_welcome: &[("I", "import a file"), ("?", "help"), ("q", "quit")],
    hints_prompt: &[
        ("Enter", "OK"),
        ("Esc", "cancel"),
        ("Tab", "next field"),
        ("Ctrl-U", "clear"),
    ],
    hints_overlay: &[("Esc", "close"), ("↑↓", "scroll")],
    help_title: "Keys",
    help: &[
        ("j k ↑ ↓", "move"),
        ("PgUp PgDn", "page up / down"),
        ("g G", "first / last"),
        ("Enter", "open the selected sender's timeline"),
        ("Tab ⇧Tab", "next / previous screen"),
        ("1 2 3 o", "senders, timeline, overview"),
        ("O", "repeat offenders across lines"),
        ("Esc", "close; back; clear the search (never quits)"),
        ("a", "to-do view (what to do next) / all senders"),
        ("/", "search senders, brands and message text"),
        (
            "f",
            "filter: to do, all, with personal, marketing, not opted out, violating, suspicious, ignored",
        ),
        (
            "s",
            "sort: last seen, status, marketing, after opt-out, brand, sender",
        ),
        ("b", "group senders by brand"),
        ("u", "what to send to unsubscribe (s there: send it now)"),
        ("y", "copy the keyword and number to the clipboard"),
        (
            "S",
            "send every opt-out of the list from your phone, after y/n",
        ),
        (
            "m",
            "record an opt-out made elsewhere (call, app, other phone)",
        ),
        ("M", "the manual opt-out records: d removes one (after y/n)"),
        ("i", "ignore / unignore, after y/n (the brand when grouped)"),
        (
            "U",
            "undo the last ignore, unignore, manual opt-out or removal",
        ),
        ("L", "message log: every message of this session in full"),
        ("e", "write the evidence export"),
        ("I", "import an export file"),
        ("r", "show the rule that classified each message"),
        (
            "R",
            "reload from the database (also by itself when another optout writes)",
        ),
        (
            "w",
            "why: the selected sender's or message's kind, rule and words",
        ),
        ("mouse", "wheel scrolls; click selects; click again opens"),
        ("?", "this help"),
        ("q Ctrl-C", "quit"),
    ],
    help_statuses_title: "What the statuses mean",
    help_statuses: &[
        (
            "✗ violating",
            "kept marketing after your opt-out and its grace period",
        ),
        (
            "● not opted out",
            "marketing, and you have not opted out yet",
        ),
        (
            "✓ opted out",
            "you sent the opt-out (or recorded one with m)",
        ),
        ("✓✓ confirmed", "the sender confirmed your opt-out"),
        ("↺ resubscribed", "you subscribed again after opting out"),
        ("! suspicious", "looks like fraud: do not reply, report it"),
        ("· none", "not marketing (personal, transactional)"),
        ("– ignored", "you chose to ignore it: never flagged"),
        (
            "in flight",
            "marketing inside the grace period after an opt-out: not yet a violation",
        ),
    ],

    colon: ": ",
    class_names: [
        "port",
        "short code",
        "service number",
        "sender ID",
        "mobile",
        "e-mail",
        "other",
    ],
    status_names: [
        "violating",
        "not opted out",
        "opted out",
        "confirmed",
        "resubscribed",
        "none",
        "ignored",
    ],
    kind_names: ["marketing", "suspicious", "transactional", "personal"],
    filter_names: [
        "to do",
        "all",
        "with personal and transactional",
        "marketing",
        "not opted out",
        "violating",
        "suspicious",
        "ignored",
    ],
    sort_names: [
        "last seen",
        "status",
        "marketing",
        "after opt-out",
        "brand",
        "sender",
    ],

    count_marketing: "marketing",
    count_opted_out: "opted out",
    count_confirmed: "confirmed",
    count_violating: "violating",
    count_suspicious: "suspicious",
    count_in_flight: "in flight",

    filter_label: "filter",
    sort_label: "sort",
    search_label: "search",
    search_help: "names filter as you type; Enter also searches message text",
    col_status: "STATUS",
    col_brand: "BRAND",
    col_sender: "SENDER",
    col_marketing: "MKT",
    col_keyword: "KEYWORD→TARGET",
    col_last_seen: "LAST SEEN",
    col_after: "AFTER",
    group_heading: |g, n| match g {
        Group::Violating => format!(
            "▸ VIOLATING ({n}): kept marketing after your opt-out · next: export the evidence (e), file a complaint"
        ),
        Group::Send => format!("▸ NOT OPTED OUT ({n}) · next: send the opt-out (u says what)"),
        Group::Suspicious => {
            format!("▸ SUSPICIOUS ({n}): looks like fraud · next: do not reply, report it (u)")
        }
    },
    first_run: "Start here: ↑↓ picks a sender, u says what to send, e exports evidence; a shows all senders, ? explains.",
    database: "database",
    demo_database: "demo: temporary sample, not saved",
    no_senders: "No senders match. Press f to change the filter, Esc to clear the search, I to import.",
    todo_empty: "Nothing to do: no sender is violating, waiting for your opt-out or suspicious. Press a to see all senders.",
    n_numbers: |n| {
        if n == 1 {
            "1 number".into()
        } else {
            format!("{n} numbers")
        }
    },

    detail: "Detail",
    no_selection: "Nothing selected.",
    manual: "manual",
    d_contact: "contact",
    d_aliases: "written as",
    d_brand: "brand",
    d_kind: "kind",
    d_messages: "messages",
    d_keyword: "keyword→target",
    d_opted_out: "opted out",
    d_confirmed: "confirmed",
    d_after: "after opt-out",
    d_in_flight: "in flight",
    d_first_seen: "first seen",
    d_last_seen: "last seen",
    d_siblings: "same brand",
    d_numbers: "numbers",
    received_marketing: |r, m| format!("{} received, {} marketing", grouped(r), grouped(m)),

    no_timeline: "Select a sender and press Enter to see its timeline.",
    no_messages: "No messages.",
    n_messages: |n| {
        if n == 1 {
            "1 message".into()
        } else {
            format!("{} messages", grouped(n))
        }
    },
    dir_in: "← in ",
    dir_out: "→ out",
    rule: "rule",
    reason_title: "Why this kind",
    reason_kind: "kind",
    reason_words: "words",
    reason_no_words: "(no words: decided by the sender or a fallback)",
    reason_none: "Select a sender, or a message in a timeline, first.",
    mark_instruction: |k, t| format!("says: send {k} to {t}"),
    mark_optout: |k, t| {
        if k.is_empty() {
            format!("opt-out to {t}")
        } else {
            format!("opt-out sent: {k} to {t}")
        }
    },
    mark_confirmation: "confirmation",
    mark_in_flight: "in flight (within grace)",
    mark_violation: "VIOLATION: marketing after opt-out",
    message_kinds: [
        ("marketing", "marketing"),
        ("transactional", "transactional"),
        ("optout_confirmation", "opt-out confirmation"),
        ("resubscribe_confirmation", "resubscribe confirmation"),
        ("personal", "personal"),
        ("suspicious", "suspicious"),
        ("outgoing", "sent"),
    ],

    top_offenders: "Top offenders: marketing after opt-out",
    no_offenders: "No sender has marketed to you after an opt-out.",
    per_month: "Marketing per month",
    no_marketing: "No marketing messages.",
    totals: "Senders by status",

    unsubscribe_title: "How to unsubscribe",
    advice_send: "Send",
    advice_to: "to",
    advice_as_stated: "This is what its own messages say.",
    advice_copy_send: "y: copy it   s: send it now from your phone",
    copy_suspicious: "Looks like fraud: do not reply; report it (optout report).",
    copy_nothing: "It states no opt-out keyword: nothing to copy.",
    send_refused: |why| format!("Not sent: {why}"),
    send_now_question: |what| {
        format!(
            "Send {what} now from your phone (the first available of kdeconnect, termux, messages)?"
        )
    },
    send_all_question: |n, pause, left| {
        format!(
            "Opt out of {n} sender(s) now from your phone, one message every {pause} s? ({left} left out: see optout send --dry-run)"
        )
    },
    send_all_nothing: |left| {
        format!("Nothing on this list can be sent ({left} left out: see optout send --dry-run).")
    },
    send_step: |i, n, what| format!("{i}/{n}: {what}"),
    send_stopped: |sent, left| {
        format!("Stopped at the first failure: {sent} sent, {left} not sent.")
    },
    advice_already_violating: |at, n| {
        format!(
            "You already opted out on {at}, and it sent {n} marketing message(s) since. Replying again rarely helps: press e to write the evidence for a complaint (12321, FCC/FTC, or forward to 7726)."
        )
    },
    advice_suggestion: "SUGGESTION: its messages state no keyword; this is the usual word for this kind of number.",
    advice_do_not_reply: "Do NOT reply: this sender looks like fraud, and a reply tells it your number is live.",
    advice_report: "Block the number and report it: forward the message to 12321 (China), to 7726 (SPAM) in the US, or to your carrier's spam number.",
    advice_advertised_ignore: |k| format!("It says to send {k}: don't."),
    advice_unknown: "Its messages state no keyword and there is no usual word for this kind of number: look for an unsubscribe link, or contact the brand.",
    advice_then_m: "Opted out some other way (a call, an app)? Press m to record it.",
    advice_send_short: "to unsubscribe, send",
    advice_suggest_short: "suggested (not stated):",
    advice_do_not_reply_short: "suspicious: do not reply; block and report (u)",
    advice_unknown_short: "no opt-out keyword known (u)",
    advice_violating_short: "next: export the evidence (e), then file a complaint",
    advice_violating: "Next: export the evidence (e) and file a complaint with it (12321 in China, the FCC/FTC in the US, forward to 7726 in the UK).",

    manual_title: "Record a manual opt-out",
    scope_sender: "sender",
    scope_brand: "brand",
    manual_date: "when",
    manual_channel: "how",
    manual_help: "Tab: next field · how: phone-call, app, website, other-phone, other",
    manual_list_title: "Manual opt-outs",
    manual_list_cols: ["#", "", "SENDER/BRAND", "LINE", "WHEN", "HOW", "NOTE"],
    manual_list_empty: "No manual opt-outs recorded. Press m on a sender to record one.",
    manual_list_help: "↑↓ pick · d or Delete removes (asks y/n) · U undoes · Esc closes",
    hints_manual_list: &[
        ("↑↓", "move"),
        ("d", "remove"),
        ("U", "undo"),
        ("Esc", "close"),
    ],
    manual_list_confirm: |id, brand, name, at| {
        let what = if brand { "brand" } else { "sender" };
        format!("Remove manual opt-out #{id} of {what} {name} ({at})? y: yes · n: no")
    },
    manual_deleted: |brand, name, at, ch, removed| {
        let what = if brand { "brand" } else { "sender" };
        if removed {
            format!("Removed the manual opt-out of {what} {name} ({at}, {ch}).")
        } else {
            format!("The manual opt-out of {what} {name} ({at}) was already gone.")
        }
    },
    manual_restored: |brand, name, at, id| {
        let what = if brand { "brand" } else { "sender" };
        format!("recorded the manual opt-out of {what} {name} ({at}) again, as #{id}.")
    },
    export_title: "Write the evidence export",
    export_file: "file",
    export_selected: "this sender and its brand:",
    export_all_violating: |n| format!("all violating senders ({n})"),
    export_help: "Tab: next field · Space: change a choice · Enter: write",
    export_dir: "folder",
    export_dir_here: "(current folder)",
    export_redact: "hide my number and contact names",
    export_lang: "language",
    export_lang_names: ["English", "中文"],
    export_exists: |p| format!("{p} already exists: overwrite? (y/n)"),
    export_need_path: "Type the file to write.",
    export_none_violating: "No violating senders to export.",
    import_title: "Import an export file",
    import_file: "file",
    import_help: "Tab completes · quotes and \\ escapes are fine (drag a file in) · ~ is your home",
    import_need_path: "Type the path of the file to import.",
    import_no_match: "No file starts with that.",
    columns_title: "Which column is which?",
    columns_intro: |f| {
        format!(
            "optout does not know the column names of {f}. Pick the column that holds each field:"
        )
    },
    columns_fields: ["number (sender)", "message text", "date", "direction"],
    columns_none: "none: every row is received",
    columns_example: "e.g.",
    columns_help: "↑↓ Tab: field · ←→ Space: column · 1–9: column by number · Enter: import · Esc: cancel",
    columns_same: "Each field needs a column of its own: two use the same one.",
    columns_failed: "Nothing could be read with these columns: check the number and the date, then Enter (Esc, then L, shows why).",
    columns_unreadable: "optout cannot tell these column names apart: give the columns distinct names in the file's first line.",
    importing: "Importing…",
    import_writing: "writing to the database",
    import_sorting: "indexing by sender…",
    import_indexing: "indexing for search",

    welcome_title: "Welcome to optout",
    welcome_what: "optout finds the marketing texts you never asked for, tells you how to unsubscribe, and documents the senders that keep sending.",
    welcome_no_db: |p| format!("There is no database at {p} yet. To fill it:"),
    in_memory: "memory",
    welcome_steps: &[
        "1. On your Android phone, install SMS Backup & Restore (SyncTech).",
        "2. Back up → Messages → local backup, and copy the sms-….xml file to this computer.",
        "3. Import it here.",
    ],
    welcome_press: "Press",
    welcome_press_i: "and type the file's path.",
    welcome_cli: "Or from the shell: optout import FILE · try the sample: optout demo",

    nothing_selected: "Nothing selected.",
    esc_home: "Esc closes and goes back; press q (or Ctrl-C) to quit.",
    overview_status: "↑↓ picks an offender, Enter opens its timeline.",
    confirm_title: "Are you sure?",
    confirm_ignore: |brand, name, ignore| {
        let what = if brand { "brand" } else { "sender" };
        if ignore {
            format!("Ignore {what} {name}? It is kept but never flagged.")
        } else {
            format!("Stop ignoring {what} {name}?")
        }
    },
    confirm_keys: "y: yes · n or Esc: no",
    nothing_changed: "Nothing changed.",
    nothing_to_undo: "Nothing to undo.",
    refreshed: "Reloaded from the database.",
    refreshed_auto: "Another optout process changed the database: reloaded.",
    undo_hint: "(U undoes)",
    undone: |l| format!("Undone: {l}"),
    manual_removed: |brand, name, removed| {
        let what = if brand { "brand" } else { "sender" };
        if removed {
            format!("removed the manual opt-out of {what} {name}.")
        } else {
            format!("the manual opt-out of {what} {name} was already gone.")
        }
    },
    log_title: "Message log (this session)",
    log_empty: "No messages yet.",
    more_in_log: "(L for more)",
    working: |w| {
        let what = match w {
            Slow::Recompute => "recomputing the statuses",
            Slow::Search => "searching the messages",
            Slow::Overview => "counting per month",
            Slow::Ignore => "saving the ignore",
            Slow::Manual => "saving the opt-out",
            Slow::Export => "writing the export",
        };
        format!("working… {what}")
    },
    search_cleared: "Search cleared.",
    grouped_on: "Grouped by brand: i now ignores the whole brand.",
    grouped_off: "One row per sender.",
    searched: |q, n, t| format!("search “{q}”: {} ({t} by message text)", senders(n)),
    searched_short: |n, bounded| {
        if bounded {
            format!(
                " · under 3 characters: only the newest {} messages searched",
                crate::text::group_digits(n)
            )
        } else {
            " · under 3 characters: searched without the index".to_string()
        }
    },
    search_match: "⌕ matches the search",
    filter_set: |f, n| format!("filter: {f} ({})", senders(n)),
    sort_set: |s| format!("sorted by {s}"),
    ignored_status: |brand, name, ignored, changed| {
        let what = if brand { "brand" } else { "sender" };
        match (ignored, changed) {
            (true, true) => format!("Ignoring {what} {name}: kept, never flagged."),
            (true, false) => format!("{what} {name} was already ignored."),
            (false, true) => format!("No longer ignoring {what} {name}."),
            (false, false) => format!("{what} {name} was not ignored."),
        }
    },
    ignored_by_brand: |k, b| {
        format!(
            "{k} is ignored through its brand {b}: press b to group by brand, then i on the brand."
        )
    },
    manual_recorded: |brand, name, at, ch| {
        let what = if brand { "brand" } else { "sender" };
        format!("Recorded a manual opt-out for {what} {name} at {at} ({ch}).")
    },
    export_wrote: |p| format!("wrote {p}"),
    export_failed: |e| format!("Export failed: {e}"),
    imported: |f, n, d| {
        format!(
            "Imported {} new messages ({} already stored) from {f}.",
            grouped(n),
            grouped(d)
        )
    },
    import_failed: |e| format!("Import failed, nothing changed: {e}"),
    offenders: OffendersStrings {
        title: "Repeat offenders across lines",
        legend: "Lines: with violations · Opted: opted out · Reached: got its marketing",
        col_rank: "#",
        col_offender: "Offender",
        col_lines: "Lines",
        col_opted: "Opted",
        col_reached: "Reached",
        col_violations: "Violations",
        col_first: "First",
        col_last: "Last",
        col_median: "Days>grace",
        col_keyword: "Keyword",
        none: "No offender has violations after an opt-out on any line.",
        numbers: "Numbers",
        lines_violating: "Lines with violations",
        lines_opted: "Lines that opted out",
        lines_reached: "Lines it reached",
        per_month: "Violations per month",
        detail_hint: "Enter: its timeline on this line · Esc: back to the ranking",
        hints: &[
            ("?", "help"),
            ("q", "quit"),
            ("Esc", "back"),
            ("↑↓", "offender"),
            ("⏎", "detail"),
        ],
        status: |n| {
            format!(
                "{n} repeat offender{} across lines; Enter shows one (optout export --offenders writes the report).",
                if n == 1 { "" } else { "s" }
            )
        },
        not_on_line: |name| {
            format!(
                "{name} sent nothing to the line shown: start with --line NAME to see its messages."
            )
        },
    },
    send: super::send::EN,
    waiting_for_lock: "waiting for another optout import to finish… (q quits; nothing is saved until then)",
    do_not_reply: "do not reply",
};
