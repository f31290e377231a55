//! Every word the interface shows, in English and Simplified Chinese. Views
//! take their text from a [`Strings`]; none is written anywhere else.

use crate::classify::SenderClass;
use crate::track::{SenderKind, Status};
use crate::tui::app::{Filter, Sort};

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

    /// Between a label and its value.
    pub colon: &'static str,
    pub status_names: [&'static str; 7],
    /// port, short code, service, alphanumeric, mobile, email, other.
    pub class_names: [&'static str; 7],
    pub kind_names: [&'static str; 4],
    pub filter_names: [&'static str; 6],
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
    pub no_senders: &'static str,
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

    pub manual_title: &'static str,
    pub scope_sender: &'static str,
    pub scope_brand: &'static str,
    pub manual_date: &'static str,
    pub manual_channel: &'static str,
    pub manual_help: &'static str,
    pub export_title: &'static str,
    pub export_file: &'static str,
    pub export_selected: &'static str,
    pub export_all_violating: fn(usize) -> String,
    pub export_help: &'static str,
    pub export_need_path: &'static str,
    pub export_none_violating: &'static str,
    pub import_title: &'static str,
    pub import_file: &'static str,
    pub import_help: &'static str,
    pub import_need_path: &'static str,
    pub importing: &'static str,

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
    pub search_cleared: &'static str,
    pub grouped_on: &'static str,
    pub grouped_off: &'static str,
    pub searched: fn(&str, usize, usize) -> String,
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
    crate::cli::group_digits(n)
}

pub static EN: Strings = Strings {
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
        ("/", "search"),
        ("f", "filter"),
        ("s", "sort"),
        ("u", "unsubscribe"),
        ("e", "export"),
        ("m", "manual"),
        ("i", "ignore"),
        ("b", "brands"),
        ("I", "import"),
    ],
    hints_timeline: &[
        ("?", "help"),
        ("q", "quit"),
        ("Esc", "back"),
        ("↑↓", "move"),
        ("PgUp/PgDn", "page"),
        ("g/G", "first/last"),
        ("r", "rules"),
        ("u", "unsubscribe"),
        ("e", "export"),
        ("m", "manual"),
    ],
    hints_overview: &[
        ("?", "help"),
        ("q", "quit"),
        ("Esc", "back"),
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
    hints_overlay: &[("Esc", "close")],
    help_title: "Keys",
    help: &[
        ("j k ↑ ↓", "move"),
        ("PgUp PgDn", "page up / down"),
        ("g G", "first / last"),
        ("Enter", "open the selected sender's timeline"),
        ("Tab ⇧Tab", "next / previous screen"),
        ("1 2 3 o", "senders, timeline, overview"),
        ("Esc", "back; clear the search; quit from the senders"),
        ("/", "search senders, brands and message text"),
        (
            "f",
            "filter: all, marketing, subscribed, violating, suspicious, ignored",
        ),
        (
            "s",
            "sort: status, last seen, marketing, after opt-out, brand, sender",
        ),
        ("b", "group senders by brand"),
        ("u", "what to send to unsubscribe"),
        (
            "m",
            "record an opt-out made elsewhere (call, app, other phone)",
        ),
        ("i", "ignore / unignore (the brand when grouped)"),
        ("e", "write the evidence export"),
        ("I", "import an export file"),
        ("r", "show the rule that classified each message"),
        ("mouse", "wheel scrolls; click selects; click again opens"),
        ("?", "this help"),
        ("q Ctrl-C", "quit"),
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
        "subscribed",
        "opted out",
        "confirmed",
        "resubscribed",
        "none",
        "ignored",
    ],
    kind_names: ["marketing", "suspicious", "transactional", "personal"],
    filter_names: [
        "all",
        "marketing",
        "subscribed (to do)",
        "violating",
        "suspicious",
        "ignored",
    ],
    sort_names: [
        "status",
        "last seen",
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
    no_senders: "No senders match. Press f to change the filter, Esc to clear the search, I to import.",
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

    manual_title: "Record a manual opt-out",
    scope_sender: "sender",
    scope_brand: "brand",
    manual_date: "when",
    manual_channel: "how",
    manual_help: "Tab: next field · how: phone-call, app, website, other-phone, other",
    export_title: "Write the evidence export",
    export_file: "file",
    export_selected: "this sender and its brand:",
    export_all_violating: |n| format!("all violating senders ({n})"),
    export_help: "Tab: what to include · Enter: write",
    export_need_path: "Type the file to write.",
    export_none_violating: "No violating senders to export.",
    import_title: "Import an export file",
    import_file: "file",
    import_help: "SMS Backup & Restore XML; ~ is your home directory",
    import_need_path: "Type the path of the file to import.",
    importing: "Importing…",

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
    search_cleared: "Search cleared.",
    grouped_on: "Grouped by brand: i now ignores the whole brand.",
    grouped_off: "One row per sender.",
    searched: |q, n, t| format!("search “{q}”: {} ({t} by message text)", senders(n)),
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
};

pub static ZH: Strings = Strings {
    loading: "正在加载…",
    too_small: |w, h, mw, mh| format!("终端窗口太小（{w}×{h}）：optout 至少需要 {mw}×{mh}。"),
    tab_senders: "发送方",
    tab_timeline: "时间线",
    tab_overview: "概览",

    hints_senders: &[
        ("?", "帮助"),
        ("q", "退出"),
        ("↑↓", "移动"),
        ("⏎", "时间线"),
        ("/", "搜索"),
        ("f", "筛选"),
        ("s", "排序"),
        ("u", "如何退订"),
        ("e", "导出"),
        ("m", "手动记录"),
        ("i", "忽略"),
        ("b", "按品牌"),
        ("I", "导入"),
    ],
    hints_timeline: &[
        ("?", "帮助"),
        ("q", "退出"),
        ("Esc", "返回"),
        ("↑↓", "移动"),
        ("PgUp/PgDn", "翻页"),
        ("g/G", "首条/末条"),
        ("r", "规则"),
        ("u", "如何退订"),
        ("e", "导出"),
        ("m", "手动记录"),
    ],
    hints_overview: &[
        ("?", "帮助"),
        ("q", "退出"),
        ("Esc", "返回"),
        ("Tab", "下一页"),
        ("e", "导出"),
    ],
    hints_welcome: &[("I", "导入文件"), ("?", "帮助"), ("q", "退出")],
    hints_prompt: &[
        ("Enter", "确定"),
        ("Esc", "取消"),
        ("Tab", "下一项"),
        ("Ctrl-U", "清空"),
    ],
    hints_overlay: &[("Esc", "关闭")],
    help_title: "按键",
    help: &[
        ("j k ↑ ↓", "移动"),
        ("PgUp PgDn", "上一页 / 下一页"),
        ("g G", "第一条 / 最后一条"),
        ("Enter", "打开所选发送方的时间线"),
        ("Tab ⇧Tab", "下一个 / 上一个页面"),
        ("1 2 3 o", "发送方、时间线、概览"),
        ("Esc", "返回；清除搜索；在发送方页面退出"),
        ("/", "搜索号码、品牌和短信内容"),
        ("f", "筛选：全部、营销、未退订、违规、可疑、已忽略"),
        ("s", "排序：状态、最近、营销数、退订后、品牌、号码"),
        ("b", "按品牌分组"),
        ("u", "退订该发什么"),
        ("m", "记录在别处完成的退订（电话、App、另一部手机）"),
        ("i", "忽略 / 取消忽略（分组时作用于品牌）"),
        ("e", "导出证据"),
        ("I", "导入短信备份文件"),
        ("r", "显示每条短信的分类规则"),
        ("鼠标", "滚轮滚动；单击选中；再次单击打开"),
        ("?", "本帮助"),
        ("q Ctrl-C", "退出"),
    ],

    colon: "：",
    class_names: [
        "端口号",
        "短代码",
        "服务号",
        "字母发送方",
        "手机号",
        "邮箱",
        "其他",
    ],
    status_names: [
        "违规",
        "未退订",
        "已退订",
        "已确认",
        "重新订阅",
        "无",
        "已忽略",
    ],
    kind_names: ["营销", "可疑", "通知", "个人"],
    filter_names: ["全部", "营销", "未退订（待办）", "违规", "可疑", "已忽略"],
    sort_names: ["状态", "最近收到", "营销数", "退订后条数", "品牌", "号码"],

    count_marketing: "营销",
    count_opted_out: "已退订",
    count_confirmed: "已确认",
    count_violating: "违规",
    count_suspicious: "可疑",
    count_in_flight: "宽限期内",

    filter_label: "筛选",
    sort_label: "排序",
    search_label: "搜索",
    search_help: "输入时按号码和名称筛选；回车同时搜索短信内容",
    col_status: "状态",
    col_brand: "品牌",
    col_sender: "号码",
    col_marketing: "营销",
    col_keyword: "退订词→号码",
    col_last_seen: "最近收到",
    no_senders: "没有匹配的发送方。按 f 更换筛选，Esc 清除搜索，I 导入。",
    n_numbers: |n| format!("{n} 个号码"),

    detail: "详情",
    no_selection: "未选择。",
    manual: "手动",
    d_contact: "联系人",
    d_aliases: "写法",
    d_brand: "品牌",
    d_kind: "类型",
    d_messages: "短信",
    d_keyword: "退订词→号码",
    d_opted_out: "退订",
    d_confirmed: "确认",
    d_after: "退订后",
    d_in_flight: "宽限期内",
    d_first_seen: "首次",
    d_last_seen: "最近",
    d_siblings: "同品牌",
    d_numbers: "号码",
    received_marketing: |r, m| format!("收到 {} 条，营销 {} 条", grouped(r), grouped(m)),

    no_timeline: "选择一个发送方并按回车查看时间线。",
    no_messages: "没有短信。",
    n_messages: |n| format!("{} 条短信", grouped(n)),
    dir_in: "← 收",
    dir_out: "→ 发",
    rule: "规则",
    mark_instruction: |k, t| format!("提示：发送 {k} 到 {t}"),
    mark_optout: |k, t| {
        if k.is_empty() {
            format!("已退订 {t}")
        } else {
            format!("已发送退订：{k} 到 {t}")
        }
    },
    mark_confirmation: "退订确认",
    mark_in_flight: "宽限期内",
    mark_violation: "违规：退订后仍发营销",
    message_kinds: [
        ("marketing", "营销"),
        ("transactional", "通知"),
        ("optout_confirmation", "退订确认"),
        ("resubscribe_confirmation", "重新订阅确认"),
        ("personal", "个人"),
        ("suspicious", "可疑"),
        ("outgoing", "发出"),
    ],

    top_offenders: "退订后仍发营销最多",
    no_offenders: "没有发送方在你退订后继续发营销短信。",
    per_month: "每月营销短信",
    no_marketing: "没有营销短信。",
    totals: "各状态发送方",

    unsubscribe_title: "如何退订",
    advice_send: "发送",
    advice_to: "到",
    advice_as_stated: "这是它自己短信里写的退订方式。",
    advice_already_violating: |at, n| {
        format!(
            "你已于 {at} 退订，之后它仍发来 {n} 条营销短信。再回复退订往往无用：按 e 导出证据，向 12321 举报。"
        )
    },
    advice_suggestion: "建议：它的短信没有写明退订词；这是此类号码通常使用的退订词。",
    advice_do_not_reply: "不要回复：这个发送方疑似诈骗，回复会让对方确认你的号码有效。",
    advice_report: "拉黑该号码并举报：转发到 12321（中国），美国转发到 7726（SPAM），或运营商的垃圾短信举报号码。",
    advice_advertised_ignore: |k| format!("它让你发送 {k}：不要发。"),
    advice_unknown: "它的短信没有写明退订词，此类号码也没有通用退订词：请查找退订链接或联系该品牌。",
    advice_then_m: "已通过其他方式退订（电话、App）？按 m 记录。",
    advice_send_short: "退订请发送",
    advice_suggest_short: "建议（未写明）：",
    advice_do_not_reply_short: "可疑：不要回复，拉黑并举报（u）",
    advice_unknown_short: "不知道退订词（u）",

    manual_title: "手动记录退订",
    scope_sender: "号码",
    scope_brand: "品牌",
    manual_date: "时间",
    manual_channel: "方式",
    manual_help: "Tab：下一项 · 方式：phone-call、app、website、other-phone、other",
    export_title: "导出证据",
    export_file: "文件",
    export_selected: "此发送方及同品牌：",
    export_all_violating: |n| format!("所有违规发送方（{n}）"),
    export_help: "Tab：选择范围 · 回车：写入",
    export_need_path: "请输入要写入的文件。",
    export_none_violating: "没有违规的发送方可导出。",
    import_title: "导入短信备份",
    import_file: "文件",
    import_help: "SMS Backup & Restore 的 XML 文件；~ 表示主目录",
    import_need_path: "请输入要导入的文件路径。",
    importing: "正在导入…",

    welcome_title: "欢迎使用 optout",
    welcome_what: "optout 找出你从未订阅的营销短信，告诉你如何退订，并记录退订后仍在发送的号码。",
    welcome_no_db: |p| format!("{p} 还没有数据库。导入方法："),
    in_memory: "内存",
    welcome_steps: &[
        "1. 在安卓手机上安装 SMS Backup & Restore（SyncTech）。",
        "2. 备份 → 短信 → 本地备份，把 sms-….xml 文件复制到这台电脑。",
        "3. 在这里导入。",
    ],
    welcome_press: "按",
    welcome_press_i: "并输入文件路径。",
    welcome_cli: "或在命令行运行：optout import 文件 · 先看示例：optout demo",

    nothing_selected: "未选择。",
    search_cleared: "已清除搜索。",
    grouped_on: "已按品牌分组：i 将忽略整个品牌。",
    grouped_off: "每个号码一行。",
    searched: |q, n, t| format!("搜索“{q}”：{n} 个发送方（{t} 个按短信内容）"),
    filter_set: |f, n| format!("筛选：{f}（{n} 个发送方）"),
    sort_set: |s| format!("按{s}排序"),
    ignored_status: |brand, name, ignored, changed| {
        let what = if brand { "品牌" } else { "号码" };
        match (ignored, changed) {
            (true, true) => format!("已忽略{what} {name}：保留记录，不再标记。"),
            (true, false) => format!("{what} {name} 已经被忽略。"),
            (false, true) => format!("已取消忽略{what} {name}。"),
            (false, false) => format!("{what} {name} 没有被忽略。"),
        }
    },
    ignored_by_brand: |k, b| format!("{k} 因品牌 {b} 被忽略：按 b 按品牌分组，再在品牌上按 i。"),
    manual_recorded: |brand, name, at, ch| {
        let what = if brand { "品牌" } else { "号码" };
        format!("已为{what} {name} 记录手动退订：{at}（{ch}）。")
    },
    export_wrote: |p| format!("已写入 {p}"),
    export_failed: |e| format!("导出失败：{e}"),
    imported: |f, n, d| {
        format!(
            "已从 {f} 导入 {} 条新短信（{} 条已存在）。",
            grouped(n),
            grouped(d)
        )
    },
    import_failed: |e| format!("导入失败，数据未改变：{e}"),
};

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
