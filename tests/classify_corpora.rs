//! Classification accuracy over the real SMS corpora in the shared data
//! (`../shared/data` or `$OPTOUT_SHARED_DATA`, described in its README). Each test prints what it measured and asserts
//! a floor; where the corpora are absent it says so and passes as skipped.
//!
//! "Instruction-shaped" is defined here independently of the classifier's
//! rules, with plain token checks, so that the rules are measured against a
//! second opinion rather than against themselves.

use std::collections::BTreeMap;
use std::path::Path;

use optout::classify::{
    Classifier, MessageFeatures, MessageKind, Region, SenderClass, is_optout_keyword,
    normalize_sender,
};
use optout::import::Direction;

mod corpora;
use corpora::{data_dir, latin1, nus_texts, parse_csv, zip_entries};

// ------------------------------------------------ instruction-shaped, independently

const VERBS: &[&str] = &[
    "reply", "rply", "rpl", "text", "txt", "send", "sms", "respond",
];
const OPTOUT_WORDS: &[&str] = &[
    "stop",
    "unsubscribe",
    "unsub",
    "optout",
    "end",
    "quit",
    "cancel",
];

/// English: an opt-out word within three words after a sending verb ("reply
/// STOP", "txt CLUB STOP", "send 'go stop'"); STOP followed by to/2 and a
/// number or a purpose ("STOP to 80808", "STOP to cancel", "stop2end"); or an
/// opt-out purpose followed by a verb and a word in capitals ("To opt out txt
/// X", "Unsub reply X").
fn english_instruction_shaped(text: &str) -> bool {
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let at = |i: usize| lower.get(i).map_or("", String::as_str);
    for i in 0..tokens.len() {
        let t = at(i);
        // Between the verb and the word, only capitals (CLUB, GET EURO) or "with".
        let filler = |j: usize| {
            at(j) == "with"
                || tokens
                    .get(j)
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_uppercase()))
        };
        if VERBS.contains(&t)
            && (1..=3).any(|k| OPTOUT_WORDS.contains(&at(i + k)) && (i + 1..i + k).all(filler))
        {
            return true;
        }
        let (next, after) = (at(i + 1), at(i + 2));
        if t == "stop"
            && (next == "to" || next == "2")
            && (after.len() >= 4 && after.chars().all(|c| c.is_ascii_digit())
                || [
                    "cancel",
                    "end",
                    "quit",
                    "unsubscribe",
                    "optout",
                    "opt",
                    "stop",
                ]
                .contains(&after))
        {
            return true;
        }
        if ["stop2end", "stop2stop", "stop2cancel"].contains(&t) {
            return true;
        }
        let purpose =
            ["optout", "unsub", "unsubscribe"].contains(&t) || (t == "opt" && next == "out");
        if purpose {
            for k in 1..=4 {
                if VERBS.contains(&at(i + k)) {
                    let word = tokens.get(i + k + 1).copied().unwrap_or("");
                    if !word.is_empty()
                        && word.len() <= 10
                        && word
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// Chinese: 退订/退定/退阅/拒收 within eight characters of 回 or 复 that is
/// directly followed (quotes and brackets aside) by Latin letters or digits
/// ("回T退订", "退订回复TD", "回“ＴＤ”退订").
fn chinese_instruction_shaped(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let latin = |c: &char| c.is_ascii_alphanumeric() || ('\u{ff10}'..='\u{ff5a}').contains(c);
    let quote = |c: &char| "\"“”'‘’【】「」[]".contains(*c);
    let mut unsub = Vec::new();
    let mut reply = Vec::new();
    for i in 0..chars.len() {
        let pair: String = chars.iter().skip(i).take(2).collect();
        if ["退订", "退定", "退阅", "拒收"].contains(&pair.as_str()) {
            unsub.push(i);
        }
        if chars[i] == '回' || chars[i] == '复' {
            let next = chars.iter().skip(i + 1).find(|c| !quote(c) && **c != '复');
            if next.is_some_and(latin) {
                reply.push(i);
            }
        }
    }
    unsub
        .iter()
        .any(|&u| reply.iter().any(|&r| u.abs_diff(r) <= 8))
}

// ------------------------------------------------------------------ tallies

#[derive(Default)]
struct Tally {
    messages: u64,
    kinds: BTreeMap<&'static str, u64>,
    shaped: u64,
    shaped_with_keyword: u64,
    with_keyword: u64,
    misses: Vec<String>,
}

impl Tally {
    fn add(&mut self, c: &Classifier, class: SenderClass, body: &str, shaped: bool) {
        let got = corpora::classify_incoming(c, class, body);
        self.messages += 1;
        *self.kinds.entry(got.kind.as_str()).or_default() += 1;
        let keyword = got.instruction.is_some();
        self.with_keyword += u64::from(keyword);
        if shaped {
            self.shaped += 1;
            self.shaped_with_keyword += u64::from(keyword);
            if !keyword && self.misses.len() < 10 {
                self.misses.push(format!("[{}] {body}", got.kind));
            }
        }
    }

    fn kind_share(&self, kinds: &[MessageKind]) -> f64 {
        let n: u64 = kinds
            .iter()
            .map(|k| self.kinds.get(k.as_str()).copied().unwrap_or(0))
            .sum();
        ratio(n, self.messages)
    }

    fn recall(&self) -> f64 {
        ratio(self.shaped_with_keyword, self.shaped)
    }

    fn report(&self, name: &str) {
        eprintln!(
            "{name}: {} messages; kinds {:?}; {} instruction-shaped, {} of them ({:.1}%) with a keyword; {} with a keyword in all",
            self.messages,
            self.kinds,
            self.shaped,
            self.shaped_with_keyword,
            100.0 * self.recall(),
            self.with_keyword
        );
        for m in &self.misses {
            eprintln!("  missed: {m}");
        }
    }
}

fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

// -------------------------------------------------------------------- tests

/// UCI SMS Spam Collection: UK spam full of premium-rate opt-outs, and ham.
/// No sender addresses, so the class is Other (an unknown shape).
#[test]
fn uci_sms_spam_collection() {
    let Some(dir) = data_dir("uci-sms-spam-collection") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("SMSSpamCollection")).unwrap();
    let c = Classifier::builtin();
    let (mut spam, mut ham) = (Tally::default(), Tally::default());
    for line in text.lines() {
        let Some((label, body)) = line.split_once('\t') else {
            continue;
        };
        let shaped = english_instruction_shaped(body);
        match label {
            "spam" => spam.add(&c, SenderClass::Other, body, shaped),
            _ => ham.add(&c, SenderClass::Other, body, shaped),
        }
    }
    spam.report("UCI spam");
    ham.report("UCI ham");
    assert_eq!(spam.messages + ham.messages, 5574);
    assert!(
        spam.shaped >= 60,
        "the instruction-shaped definition finds {}",
        spam.shaped
    );
    assert!(
        spam.recall() >= 0.97,
        "UCI spam instruction recall {:.3}",
        spam.recall()
    );
    assert_eq!(ham.with_keyword, 0, "UCI ham messages given a keyword");
    let marketing = spam.kind_share(&[MessageKind::Marketing, MessageKind::Suspicious]);
    eprintln!(
        "UCI spam called marketing or suspicious: {:.1}%",
        100.0 * marketing
    );
    assert!(
        marketing >= 0.80,
        "UCI spam called marketing/suspicious: {marketing:.3}"
    );
    let ham_marketing = ham.kind_share(&[MessageKind::Marketing, MessageKind::Suspicious]);
    eprintln!(
        "UCI ham called marketing or suspicious: {:.2}%",
        100.0 * ham_marketing
    );
    assert!(
        ham_marketing <= 0.01,
        "UCI ham called marketing: {ham_marketing:.4}"
    );
}

/// Mishra & Soni: ham / spam / smishing, Windows-1252 CSV.
#[test]
fn mendeley_sms_phishing() {
    let Some(dir) = data_dir("mendeley-sms-phishing-5971") else {
        return;
    };
    let bytes = std::fs::read(dir.join("Dataset_5971.csv")).unwrap();
    let rows = parse_csv(&latin1(&bytes));
    let c = Classifier::builtin();
    let (mut spam, mut ham) = (Tally::default(), Tally::default());
    for row in rows.iter().skip(1) {
        let (Some(label), Some(body)) = (row.first(), row.get(1)) else {
            continue;
        };
        let shaped = english_instruction_shaped(body);
        if label.eq_ignore_ascii_case("ham") {
            ham.add(&c, SenderClass::Other, body, shaped);
        } else {
            spam.add(&c, SenderClass::Other, body, shaped);
        }
    }
    spam.report("Mendeley spam+smishing");
    ham.report("Mendeley ham");
    assert_eq!(spam.messages + ham.messages, 5971);
    assert!(
        spam.recall() >= 0.97,
        "Mendeley instruction recall {:.3}",
        spam.recall()
    );
    assert_eq!(ham.with_keyword, 0, "Mendeley ham messages given a keyword");
}

/// `ExAIS`: 20 Nigerian phones' inbox and sent messages, with sender short
/// codes; includes the users' own STOP replies.
#[test]
fn exais_nigeria() {
    let Some(dir) = data_dir("exais-sms-spam-nigeria") else {
        return;
    };
    let c = Classifier::builtin();
    let region = Region::new("NG").unwrap();
    let (mut spam, mut ham) = (Tally::default(), Tally::default());
    let mut replies = Vec::new();
    let mut advertised: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, bytes) in zip_entries(&dir.join("ExAIS_SMS_Spam_Dataset.zip")) {
        if !Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for cols in parse_csv(&text) {
            if cols.len() < 8 {
                continue;
            }
            // The body is often unquoted and holds commas: rejoin the tail.
            let body = cols[7..].join(",");
            let body = body.trim_end_matches(',').trim();
            let sender = normalize_sender(&cols[2], &region);
            if cols[1] == "send" {
                let got = corpora::classify_dumped(
                    &c,
                    &MessageFeatures {
                        from_contact: false,
                        direction: Direction::Outgoing,
                        sender_class: sender.class,
                        body,
                        hint: None,
                    },
                );
                assert_eq!(got.kind, MessageKind::Outgoing);
                replies.push((sender.key, body.to_string()));
                continue;
            }
            let got = corpora::classify_dumped(
                &c,
                &MessageFeatures {
                    from_contact: false,
                    direction: Direction::Incoming,
                    sender_class: sender.class,
                    body,
                    hint: None,
                },
            );
            if let Some(i) = got.instruction {
                let to = i.target.unwrap_or_else(|| sender.key.clone());
                advertised.entry(to).or_default().push(i.keyword);
            }
            let shaped = english_instruction_shaped(body);
            if cols[6] == "SPAM" {
                spam.add(&c, sender.class, body, shaped);
            } else {
                ham.add(&c, sender.class, body, shaped);
            }
        }
    }
    spam.report("ExAIS spam (received)");
    ham.report("ExAIS ham (received)");
    // The users' own opt-out replies: a universal keyword, or the one the
    // sender advertised (STOPAUTORENEW to 440).
    let stop_replies = replies
        .iter()
        .filter(|(key, body)| {
            is_optout_keyword(body, None)
                || advertised
                    .get(key)
                    .is_some_and(|kws| kws.iter().any(|k| is_optout_keyword(body, Some(k))))
        })
        .count();
    eprintln!(
        "ExAIS sent: {} messages, {stop_replies} of them an opt-out keyword",
        replies.len()
    );
    assert!(
        spam.messages > 1500,
        "ExAIS spam received: {}",
        spam.messages
    );
    assert!(
        spam.recall() >= 0.95,
        "ExAIS instruction recall {:.3}",
        spam.recall()
    );
    assert!(stop_replies >= 5, "the users' STOP replies: {stop_replies}");
    // Ham called marketing: 239 after round 3, 220 after round 4 (bank and
    // top-up statements are notices: Amt, Bal, a masked account); most of
    // the rest are the carriers' own ads ("Dial 1418 now", caller tunes)
    // that the corpus labels ham.
    let ham_marketing = ham.kinds.get("marketing").copied().unwrap_or(0);
    assert!(
        ham_marketing <= 225,
        "ExAIS ham called marketing: {ham_marketing}"
    );
    // Ham here includes carrier notices that carry real opt-outs; only a few.
    assert!(
        ratio(ham.with_keyword, ham.messages) <= 0.01,
        "ExAIS ham with a keyword: {}",
        ham.with_keyword
    );
}

/// NUS SMS Corpus: personal messages, English and Chinese, from personal
/// phones (class Mobile). Almost none may be called marketing.
#[test]
fn nus_personal_messages() {
    let Some(dir) = data_dir("nus-sms-corpus") else {
        return;
    };
    let c = Classifier::builtin();
    for (zip_name, label) in [
        ("smsCorpus_en_xml_2015.03.09_all.zip", "NUS English"),
        ("smsCorpus_zh_xml_2015.03.09.zip", "NUS Chinese"),
    ] {
        let mut tally = Tally::default();
        let mut marketing = Vec::new();
        for (_, xml) in zip_entries(&dir.join(zip_name)) {
            for text in nus_texts(&xml) {
                let shaped = english_instruction_shaped(&text) || chinese_instruction_shaped(&text);
                tally.add(&c, SenderClass::Mobile, &text, shaped);
                let kind = c
                    .classify(&MessageFeatures {
                        from_contact: false,
                        direction: Direction::Incoming,
                        sender_class: SenderClass::Mobile,
                        body: &text,
                        hint: None,
                    })
                    .kind;
                if kind == MessageKind::Marketing && marketing.len() < 10 {
                    marketing.push(text);
                }
            }
        }
        tally.report(label);
        for m in &marketing {
            eprintln!("  called marketing: {m}");
        }
        let share = tally.kind_share(&[MessageKind::Marketing]);
        eprintln!("{label}: {:.3}% called marketing", 100.0 * share);
        assert!(
            tally.messages > 30_000,
            "{label}: {} messages",
            tally.messages
        );
        assert!(share < 0.001, "{label}: {share:.5} called marketing");
    }
}

/// The Chinese fine-grained spam set: word-segmented, so spaces are removed
/// before classifying; `URL` stands for a link. Sender unknown (Other).
#[test]
fn chinese_finegrained_spam() {
    let Some(dir) = data_dir("zh-spamsms-finegrained-conglei2xu") else {
        return;
    };
    let c = Classifier::builtin();
    let mut all = Tally::default();
    let mut by_label: BTreeMap<String, Tally> = BTreeMap::new();
    for file in ["train.csv", "val.csv", "test.csv"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for row in parse_csv(&text).iter().skip(1) {
            let (Some(content), Some(label)) = (row.first(), row.get(1)) else {
                continue;
            };
            let body: String = content
                .split_whitespace()
                .map(|t| if t == "URL" { " http://u.cn/x " } else { t })
                .collect();
            let shaped = chinese_instruction_shaped(&body);
            all.add(&c, SenderClass::Other, &body, shaped);
            by_label
                .entry(label.clone())
                .or_default()
                .add(&c, SenderClass::Other, &body, shaped);
        }
    }
    all.report("zh fine-grained spam");
    for (label, t) in &by_label {
        eprintln!(
            "  {label}: {} messages, {:.1}% marketing/suspicious, {:.1}% transactional",
            t.messages,
            100.0 * t.kind_share(&[MessageKind::Marketing, MessageKind::Suspicious]),
            100.0 * t.kind_share(&[MessageKind::Transactional])
        );
    }
    assert_eq!(all.messages, 14_077);
    assert!(all.shaped >= 3000, "instruction-shaped: {}", all.shaped);
    assert!(
        all.recall() >= 0.97,
        "zh instruction recall {:.3}",
        all.recall()
    );
    let ads = by_label
        .iter()
        .filter(|(l, _)| l.starts_with("AD_"))
        .map(|(_, t)| (t.messages, t.kinds.get("marketing").copied().unwrap_or(0)))
        .fold((0, 0), |acc, (m, k)| (acc.0 + m, acc.1 + k));
    let ad_share = ratio(ads.1, ads.0);
    eprintln!("zh AD_* called marketing: {:.1}%", 100.0 * ad_share);
    // Before issue #12: 85.5%; round 1: 80.4%; round 2: 81.8%.
    assert!(ad_share >= 0.81, "zh AD_* called marketing: {ad_share:.3}");
}

/// The small raw Chinese sample: un-segmented spam and ham with 【签名】.
#[test]
fn chinese_raw_sample() {
    let Some(dir) = data_dir("zh-spam-sample-miaostudy") else {
        return;
    };
    let c = Classifier::builtin();
    for (file, name) in [
        ("spam_data.csv", "miaostudy spam"),
        ("ham_data.csv", "miaostudy ham"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let mut tally = Tally::default();
        for row in parse_csv(&text).iter().skip(1) {
            let Some(body) = row.get(2) else { continue };
            tally.add(
                &c,
                SenderClass::Other,
                body,
                chinese_instruction_shaped(body),
            );
        }
        tally.report(name);
        assert!(tally.messages > 80, "{name}: {}", tally.messages);
        assert!(
            tally.recall() >= 0.5,
            "{name}: recall {:.3}",
            tally.recall()
        );
    }
}

#[test]
fn instruction_shape_definitions() {
    assert!(english_instruction_shaped("Reply STOP to opt out"));
    assert!(english_instruction_shaped("txt stop to 87070"));
    assert!(english_instruction_shaped("STOP to 80808"));
    assert!(english_instruction_shaped("msg STOP2END"));
    assert!(!english_instruction_shaped("wait 4 the rain 2 stop"));
    assert!(!english_instruction_shaped("don't stop"));
    assert!(!english_instruction_shaped("QUICK STOP"));
    assert!(chinese_instruction_shaped("全场5折，回T退订"));
    assert!(chinese_instruction_shaped("退订 回 n"));
    assert!(!chinese_instruction_shaped("回头你也退了吧"));
    assert!(!chinese_instruction_shaped("您已成功退订"));
}
