//! Every human-readable string of the evidence documents, in English and
//! Chinese, in one place. Field names of the JSON and the CSV header are a
//! stable machine interface and are not translated.

/// The language of the HTML and complaint headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// `--lang` or the config file's `lang`: `en`, `zh` (also `zh-CN`, `zh_TW` …).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "en" || s.starts_with("en-") || s.starts_with("en_") {
            Some(Lang::En)
        } else if s == "zh" || s.starts_with("zh-") || s.starts_with("zh_") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    /// The HTML `lang` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// The labels of one language.
#[derive(Debug)]
pub struct Strings {
    pub lang: Lang,
    pub title: &'static str,
    pub lede: &'static str,
    pub generated: &'static str,
    pub zone: &'static str,
    pub optout_version: &'static str,
    pub rules_version: &'static str,
    pub selection: &'static str,
    pub selection_default: &'static str,
    pub since: &'static str,
    pub grace: &'static str,
    pub grace_us: &'static str,
    pub redacted: &'static str,
    pub redacted_yes: &'static str,
    pub redacted_no: &'static str,
    pub integrity: &'static str,
    pub integrity_note: &'static str,
    pub summary: &'static str,
    pub sender: &'static str,
    pub brand: &'static str,
    pub status: &'static str,
    pub opted_out: &'static str,
    pub after_optout: &'static str,
    pub last_violation: &'static str,
    pub aliases: &'static str,
    pub class: &'static str,
    pub jurisdiction: &'static str,
    pub category: &'static str,
    pub senders: &'static str,
    pub instruction: &'static str,
    pub advertised: &'static str,
    pub optout: &'static str,
    pub optout_reply: &'static str,
    pub optout_to: &'static str,
    pub manual_record: &'static str,
    pub channel: &'static str,
    pub note: &'static str,
    pub confirmation: &'static str,
    pub none: &'static str,
    pub resubscribed: &'static str,
    pub grace_ends: &'static str,
    pub counts: &'static str,
    pub marketing_total: &'static str,
    pub before_optout: &'static str,
    pub in_flight_count: &'static str,
    pub first_violation: &'static str,
    pub timeline: &'static str,
    pub in_flight: &'static str,
    pub in_flight_note: &'static str,
    pub no_in_flight: &'static str,
    pub received_local: &'static str,
    pub received_utc: &'static str,
    pub role: &'static str,
    pub days_since: &'static str,
    pub business_days: &'static str,
    pub text: &'static str,
    pub source: &'static str,
    pub complaint: &'static str,
    pub complaint_note: &'static str,
    pub provenance: &'static str,
    pub provenance_note: &'static str,
    pub import_id: &'static str,
    /// Before a message's reason: the rule and the words that fired.
    pub reason: &'static str,
    pub file_name: &'static str,
    pub size: &'static str,
    pub format: &'static str,
    pub imported_at: &'static str,
    pub bytes: &'static str,
    pub verify: &'static str,
    pub verify_note: &'static str,
    pub offset_from_zone: &'static str,
    // Complaint text.
    pub complaint_header: &'static str,
    pub evidence_sha256: &'static str,
    pub complaint_12321: &'static str,
    pub complaint_fcc: &'static str,
    pub complaint_7726: &'static str,
    pub complaint_7726_note: &'static str,
    /// The reports `optout report` can text from the user's phone.
    pub complaint_by_sms: &'static str,
    pub offender: &'static str,
    pub offenders: &'static str,
    pub complaint_7726_note_us: &'static str,
    pub complaint_ico: &'static str,
    pub complaint_other: &'static str,
    pub complaint_to: &'static str,
    pub omitted_violations: &'static str,
    pub omitted_in_flight: &'static str,
}

impl Strings {
    pub fn role(&self, role: &str) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match (role, zh) {
            ("instruction", false) => "instruction",
            ("instruction", true) => "退订提示",
            ("opt_out", false) => "opt-out",
            ("opt_out", true) => "退订",
            ("confirmation", false) => "confirmation",
            ("confirmation", true) => "退订确认",
            ("in_flight", false) => "in flight",
            ("in_flight", true) => "宽限期内",
            ("violation", false) => "violation",
            ("violation", true) => "违规",
            (_, false) => "message",
            (_, true) => "短信",
        }
    }

    pub fn status(&self, status: &str) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match (status, zh) {
            ("violating", false) => "violating",
            ("violating", true) => "退订后仍发送",
            ("subscribed", false) => "subscribed",
            ("subscribed", true) => "未退订",
            ("opted_out", false) => "opted out",
            ("opted_out", true) => "已退订",
            ("confirmed", false) => "confirmed",
            ("confirmed", true) => "已确认退订",
            ("resubscribed", false) => "resubscribed",
            ("resubscribed", true) => "已重新订阅",
            ("ignored", false) => "ignored",
            ("ignored", true) => "已忽略",
            (_, false) => "none",
            (_, true) => "无",
        }
    }

    /// A sender class (`port`, `short_code` …) in words.
    pub fn sender_class(&self, class: &str) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match (class, zh) {
            ("port", false) => "SMS port (106…)",
            ("port", true) => "106 短信端口",
            ("short_code", false) => "short code",
            ("short_code", true) => "短代码",
            ("service", false) => "service number",
            ("service", true) => "服务号码",
            ("alphanumeric", false) => "alphanumeric sender ID",
            ("alphanumeric", true) => "字母发送方名称",
            ("mobile", false) => "mobile number",
            ("mobile", true) => "手机号码",
            ("email", false) => "email address",
            ("email", true) => "电子邮件地址",
            (_, false) => "other",
            (_, true) => "其他",
        }
    }

    /// Whose opt-out rules applied (`cn`, `us`, `other`).
    pub fn jurisdiction_name(&self, jurisdiction: &str) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match (jurisdiction, zh) {
            ("cn", false) => "China",
            ("cn", true) => "中国",
            ("us", false) => "US/Canada",
            ("us", true) => "美国/加拿大",
            (_, false) => "other",
            (_, true) => "其他",
        }
    }

    /// Where a complaint goes (`12321`, `fcc_ftc`, `7726`, `unknown`).
    pub fn authority(&self, authority: &str) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match (authority, zh) {
            ("12321", false) => "12321 (China)",
            ("12321", true) => "12321（中国）",
            ("fcc_ftc", false) => "FCC / FTC (US)",
            ("fcc_ftc", true) => "FCC / FTC（美国）",
            ("7726", false) => "7726 and the ICO (UK)",
            ("7726", true) => "7726 与 ICO（英国）",
            (_, false) => "unknown: the regulator of the sender's country",
            (_, true) => "未知：发送方所在国家的监管机构",
        }
    }

    /// A manual opt-out's channel (`phone-call`, `app` …) in words; any
    /// other text as the user wrote it.
    pub fn manual_channel<'s>(&self, channel: &'s str) -> &'s str {
        let zh = self.lang == Lang::Zh;
        match (channel, zh) {
            ("phone-call", false) => "phone call",
            ("phone-call", true) => "电话",
            ("app", true) => "应用",
            ("website", true) => "网站",
            ("other-phone", false) => "from another phone",
            ("other-phone", true) => "用另一部手机",
            ("other", true) => "其他方式",
            ("kdeconnect", false) => "text sent from this phone via KDE Connect (optout send)",
            ("kdeconnect", true) => "经 KDE Connect 从本机发送的短信（optout send）",
            ("termux", false) => "text sent on this phone via Termux (optout send)",
            ("termux", true) => "经 Termux 在本机发送的短信（optout send）",
            ("messages", false) => "text sent from this iPhone via macOS Messages (optout send)",
            ("messages", true) => "经 macOS 信息从本机发送的短信（optout send）",
            ("adb", false) => "text sent from this phone's composer, opened over adb (optout send)",
            ("adb", true) => "经 adb 打开本机短信界面发送（optout send）",
            (c, _) => c,
        }
    }

    /// "Showing the first and last 20 of 1,234 violations: 1,194 more …".
    pub fn omitted_note(&self, omitted: u64, listed: u64, what: &str) -> String {
        let (omitted, listed) = (
            crate::text::group_digits(omitted),
            crate::text::group_digits(listed),
        );
        match self.lang {
            Lang::En => format!(
                "… {omitted} more {what} not shown here ({listed} in all). Every message is in the CSV and JSON export of this selection (optout export --format csv or --format json), which have the same SHA-256."
            ),
            Lang::Zh => format!(
                "… 此处省略{what} {omitted} 条（共 {listed} 条）。全部短信见相同范围的 CSV 和 JSON 导出（optout export --format csv 或 --format json），其 SHA-256 与本文件相同。"
            ),
        }
    }

    pub fn category(&self, category: &str) -> &'static str {
        let zh = self.lang == Lang::Zh;
        match (category, zh) {
            ("financial_marketing", false) => "financial marketing (金融营销)",
            ("financial_marketing", true) => "金融营销",
            (_, false) => "commercial advertising (商业广告)",
            (_, true) => "商业广告",
        }
    }
}

pub static EN: Strings = Strings {
    lang: Lang::En,
    title: "Evidence: marketing messages received after opting out",
    lede: "Prepared with optout from the recipient's own SMS export. Each section documents one sender (or brand): the opt-out instruction it advertised, the opt-out, any confirmation, and every marketing message received after the opt-out and its grace period.",
    generated: "Generated",
    zone: "Time zone for times without an offset",
    optout_version: "optout version",
    rules_version: "Classification rules version",
    selection: "Selection",
    selection_default: "every sender still marketing after an opt-out",
    since: "messages since",
    grace: "Grace after an opt-out",
    grace_us: "Grace for US/CA numbers and short codes",
    redacted: "Redacted",
    redacted_yes: "yes: the recipient's and personal contacts' numbers and names are masked",
    redacted_no: "no",
    integrity: "Integrity (SHA-256)",
    integrity_note: "SHA-256 of the canonical JSON of this evidence; recompute it from the JSON export (see the README, \"Evidence export\").",
    summary: "Summary",
    sender: "Sender",
    brand: "Brand",
    status: "Status",
    opted_out: "Opted out",
    after_optout: "Messages after opt-out",
    last_violation: "Last violation",
    aliases: "Addresses seen",
    class: "Sender class",
    jurisdiction: "Rules applied",
    category: "Complaint type",
    senders: "Numbers",
    instruction: "Advertised opt-out instruction",
    advertised: "reply",
    optout: "Opt-out",
    optout_reply: "replied",
    optout_to: "to",
    manual_record: "manual record (not in the export)",
    channel: "channel",
    note: "note",
    confirmation: "Confirmation",
    none: "none",
    resubscribed: "Resubscribed",
    grace_ends: "Grace period ends",
    counts: "Counts",
    marketing_total: "Marketing messages received",
    before_optout: "before the opt-out",
    in_flight_count: "inside the grace period",
    first_violation: "First violation",
    timeline: "Timeline",
    in_flight: "Received inside the grace period (not counted as violations)",
    in_flight_note: "Messages a sender may have queued before it processed the opt-out.",
    no_in_flight: "None.",
    received_local: "Received (local)",
    received_utc: "UTC",
    role: "Role",
    days_since: "Days since opt-out",
    business_days: "business days",
    text: "Message text (verbatim)",
    source: "Source file",
    complaint: "Complaint text",
    complaint_note: "Ready to paste into the 12321 report form, an FCC/FTC complaint, or to forward to 7726.",
    provenance: "Provenance",
    provenance_note: "Every message above came from one of these imports of the recipient's phone export; the SHA-256 identifies the exact file.",
    import_id: "Import",
    reason: "Classified by",
    file_name: "File name",
    size: "Size",
    format: "Format",
    imported_at: "Imported at",
    bytes: "bytes",
    verify: "Verifying this document",
    verify_note: "Export the same selection as JSON, set its \"integrity\" field to null, serialise it compactly (keys in order, no spaces, UTF-8 unescaped) and compute SHA-256: it equals the hash above.",
    offset_from_zone: "offset from the time zone setting",
    complaint_header: "optout complaint text",
    evidence_sha256: "Evidence SHA-256",
    complaint_12321: "[12321 report (China) / 向 12321 举报]",
    complaint_fcc: "[FCC / FTC complaint (English)]",
    complaint_7726: "[Forward to 7726 (SPAM)]",
    complaint_7726_note: "Forward each of these messages from your phone to 7726:",
    complaint_by_sms: "By text message: `optout report` sends these reports from your own phone (see `optout report --dry-run`).",
    offender: "offender",
    offenders: "offenders",
    complaint_7726_note_us: "US carriers also take spam forwarded to 7726; forward each of these messages from your phone:",
    complaint_ico: "[UK: report to the ICO (English)]",
    complaint_other: "[Complaint summary (English): for the regulator of the sender's country]",
    complaint_to: "Complaint to",
    omitted_violations: "violations",
    omitted_in_flight: "messages inside the grace period",
};

pub static ZH: Strings = Strings {
    lang: Lang::Zh,
    title: "证据：退订后仍收到的营销短信",
    lede: "本文件由 optout 根据收件人自己导出的短信记录生成。每一节记录一个发送号码（或品牌）：它提示的退订方式、收件人的退订、对方的确认，以及退订并经过宽限期后仍收到的每一条营销短信。",
    generated: "生成时间",
    zone: "无时区信息时采用的时区",
    optout_version: "optout 版本",
    rules_version: "分类规则版本",
    selection: "范围",
    selection_default: "退订后仍在发送营销短信的所有号码",
    since: "只列出此时间之后的短信",
    grace: "退订后的宽限期",
    grace_us: "美国/加拿大号码与短代码的宽限期",
    redacted: "脱敏",
    redacted_yes: "是：收件人本人及私人联系人的号码和姓名已隐去",
    redacted_no: "否",
    integrity: "完整性校验（SHA-256）",
    integrity_note: "本证据规范 JSON 的 SHA-256；可由 JSON 导出重新计算（见 README“Evidence export”一节）。",
    summary: "概要",
    sender: "发送号码",
    brand: "品牌",
    status: "状态",
    opted_out: "退订时间",
    after_optout: "退订后收到",
    last_violation: "最近一次违规",
    aliases: "出现过的号码写法",
    class: "号码类型",
    jurisdiction: "适用规则",
    category: "举报类型",
    senders: "号码",
    instruction: "对方提示的退订方式",
    advertised: "回复",
    optout: "退订",
    optout_reply: "回复",
    optout_to: "至",
    manual_record: "手动记录（不在导出文件中）",
    channel: "方式",
    note: "备注",
    confirmation: "退订确认",
    none: "无",
    resubscribed: "重新订阅",
    grace_ends: "宽限期结束",
    counts: "统计",
    marketing_total: "收到的营销短信",
    before_optout: "退订前",
    in_flight_count: "宽限期内",
    first_violation: "首次违规",
    timeline: "时间线",
    in_flight: "宽限期内收到（不计为违规）",
    in_flight_note: "对方处理退订之前可能已排队发出的短信。",
    no_in_flight: "无。",
    received_local: "接收时间（当地）",
    received_utc: "UTC",
    role: "类别",
    days_since: "距退订天数",
    business_days: "个工作日",
    text: "短信内容（原文）",
    source: "来源文件",
    complaint: "投诉文本",
    complaint_note: "可直接粘贴到 12321 举报表单、FCC/FTC 投诉，或用于转发至 7726。",
    provenance: "来源",
    provenance_note: "以上每条短信都来自下列某次导入的手机导出文件；SHA-256 唯一标识该文件。",
    import_id: "导入",
    reason: "分类依据",
    file_name: "文件名",
    size: "大小",
    format: "格式",
    imported_at: "导入时间",
    bytes: "字节",
    verify: "如何校验本文件",
    verify_note: "以 JSON 格式导出相同范围，将其 \"integrity\" 字段设为 null，按原键顺序紧凑序列化（无空格、UTF-8 不转义）后计算 SHA-256，结果应与上面的哈希相同。",
    offset_from_zone: "时区设置推定的偏移",
    complaint_header: "optout 投诉文本",
    evidence_sha256: "证据 SHA-256",
    complaint_12321: "[向 12321 举报]",
    complaint_fcc: "[FCC / FTC 投诉（英文）]",
    complaint_7726: "[转发至 7726（SPAM）]",
    complaint_7726_note: "请用手机将以下短信逐条转发至 7726：",
    complaint_by_sms: "用短信举报：`optout report` 可用你自己的手机发送这些举报短信（先用 `optout report --dry-run` 查看）。",
    offender: "个发送方",
    offenders: "个发送方",
    complaint_7726_note_us: "美国运营商同样受理转发至 7726 的垃圾短信；请用手机逐条转发：",
    complaint_ico: "[英国：向 ICO 举报（英文）]",
    complaint_other: "[投诉摘要（英文）：提交给发送方所在国家的监管机构]",
    complaint_to: "投诉至",
    omitted_violations: "违规短信",
    omitted_in_flight: "宽限期内短信",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_from_flags_and_locales() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("ZH_tw"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn labels_differ_by_language() {
        assert_eq!(Lang::Zh.strings().role("violation"), "违规");
        assert_eq!(Lang::En.strings().role("in_flight"), "in flight");
        assert_eq!(Lang::Zh.strings().status("confirmed"), "已确认退订");
        assert_eq!(
            Lang::En.strings().category("financial_marketing"),
            "financial marketing (金融营销)"
        );
    }
}
