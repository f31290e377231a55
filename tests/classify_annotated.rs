//! Classification over the annotated real corpora in the shared data
//! (`../shared/data` or `$OPTOUT_SHARED_DATA`: 8a104, the 80万 samples, xiaojie16's categories, IIIT-D), measured as
//! the product sees them: Chinese messages as incoming from a 106 port, the
//! Indian ones from an unknown sender (the data has no DLT header). Each
//! test prints what it measured, on the whole corpus and on each half (the
//! even rows, on which rounds 1 to 4 of the rules were developed while the
//! odd rows were only counted; round 5 was developed on the odd rows, the
//! even rows only counted), and asserts the floors of issue #12. Where a corpus is absent the test says
//! `skipped:` and passes.
//!
//! The expected opt-out keyword is read here with plain character checks,
//! independently of the classifier's grammar. Set `OPTOUT_CORPUS_DUMP` to a
//! directory to write every verdict there as TSV, for study.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use optout::classify::{Classification, Classifier, MessageKind, SenderClass};

mod corpora;
use corpora::{data_dir, expected_instruction, parse_csv};

// ------------------------------------------------------------------ tallies

#[derive(Default, Clone)]
struct Half {
    messages: u64,
    kinds: BTreeMap<&'static str, u64>,
    with_keyword: u64,
    /// Messages with an expected instruction, those given a keyword, and
    /// those given exactly the expected one.
    shaped: u64,
    extracted: u64,
    right: u64,
    targets: u64,
    targets_right: u64,
}

impl Half {
    fn share(&self, kinds: &[MessageKind]) -> f64 {
        let n: u64 = kinds
            .iter()
            .map(|k| self.kinds.get(k.as_str()).copied().unwrap_or(0))
            .sum();
        ratio(n, self.messages)
    }

    fn recall(&self) -> f64 {
        ratio(self.right, self.shaped)
    }

    fn exactness(&self) -> f64 {
        ratio(self.right, self.extracted)
    }

    fn merge(&mut self, o: &Half) {
        self.messages += o.messages;
        for (k, v) in &o.kinds {
            *self.kinds.entry(k).or_default() += v;
        }
        self.with_keyword += o.with_keyword;
        self.shaped += o.shaped;
        self.extracted += o.extracted;
        self.right += o.right;
        self.targets += o.targets;
        self.targets_right += o.targets_right;
    }
}

/// One group of messages, split into the even and the odd rows.
#[derive(Default)]
struct Group {
    halves: [Half; 2],
    misses: Vec<String>,
}

impl Group {
    fn whole(&self) -> Half {
        let mut all = self.halves[0].clone();
        all.merge(&self.halves[1]);
        all
    }

    fn add(
        &mut self,
        row: usize,
        got: &Classification,
        expected: Option<&(String, Option<String>)>,
        body: &str,
    ) {
        let h = &mut self.halves[row % 2];
        h.messages += 1;
        *h.kinds.entry(got.kind.as_str()).or_default() += 1;
        h.with_keyword += u64::from(got.instruction.is_some());
        let Some((kw, target)) = expected else { return };
        h.shaped += 1;
        let got_kw = got.instruction.as_ref().map(|i| i.keyword.as_str());
        h.extracted += u64::from(got_kw.is_some());
        let right = got_kw == Some(kw.as_str());
        h.right += u64::from(right);
        if let Some(t) = target {
            h.targets += 1;
            let got_t = got.instruction.as_ref().and_then(|i| i.target.as_deref());
            h.targets_right += u64::from(got_t == Some(t.as_str()));
        }
        if !right && self.misses.len() < 8 && row.is_multiple_of(2) {
            self.misses
                .push(format!("[{} {:?}] want {kw}: {body}", got.kind, got_kw));
        }
    }

    fn report(&self, name: &str) {
        for (label, h) in [
            ("whole", self.whole()),
            ("even", self.halves[0].clone()),
            ("odd", self.halves[1].clone()),
        ] {
            eprintln!(
                "{name} [{label}]: {} messages; kinds {:?}; {} with a keyword; \
                 instructions {} / {} right ({:.1}%), exactness {:.1}%, targets {} / {}",
                h.messages,
                h.kinds,
                h.with_keyword,
                h.right,
                h.shaped,
                100.0 * h.recall(),
                100.0 * h.exactness(),
                h.targets_right,
                h.targets,
            );
        }
        for m in &self.misses {
            eprintln!("  missed: {m}");
        }
    }

    fn share_line(&self, name: &str, what: &str, kinds: &[MessageKind]) -> f64 {
        let [d, h] = &self.halves;
        let whole = self.whole().share(kinds);
        eprintln!(
            "{name} {what}: {:.2}% (even {:.2}%, odd {:.2}%)",
            100.0 * whole,
            100.0 * d.share(kinds),
            100.0 * h.share(kinds)
        );
        whole
    }
}

fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

/// Writes verdicts as TSV under `OPTOUT_CORPUS_DUMP` when it is set.
struct Dump(Option<std::fs::File>);

impl Dump {
    fn new(name: &str) -> Dump {
        Dump(std::env::var_os("OPTOUT_CORPUS_DUMP").map(|dir| {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::File::create(Path::new(&dir).join(format!("{name}.tsv"))).unwrap()
        }))
    }

    fn row(
        &mut self,
        row: usize,
        label: &str,
        got: &Classification,
        expected: Option<&(String, Option<String>)>,
        body: &str,
    ) {
        if let Some(f) = &mut self.0 {
            let kw = got.instruction.as_ref().map_or("", |i| i.keyword.as_str());
            let want = expected.map_or("", |e| e.0.as_str());
            let body = body.replace(['\t', '\n'], " ");
            writeln!(
                f,
                "{}\t{label}\t{}\t{}\t{kw}\t{want}\t{body}",
                row % 2,
                got.kind,
                got.rule_id
            )
            .unwrap();
        }
    }
}

fn classify(c: &Classifier, class: SenderClass, body: &str) -> Classification {
    corpora::classify_incoming(c, class, body)
}

/// A one-time code as a reader would recognise it: a code word and a run of
/// four to eight digits, and not a promotion's 优惠码/兑换码/激活码.
fn otp_shaped(text: &str) -> bool {
    let code_word = ["验证码", "校验码", "动态码", "动态密码", "确认码"]
        .iter()
        .any(|w| text.contains(w));
    let promo_code = ["优惠码", "兑换码", "激活码", "邀请码"]
        .iter()
        .any(|w| text.contains(w));
    let digits = text
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| (4..=8).contains(&run.len()));
    code_word && !promo_code && digits
}

// -------------------------------------------------------------------- tests

/// The `GitCode` 8a104 set: real, unmasked Chinese SMS labelled `AD`, `TRANSACTION`,
/// `FRAUD`, `HARASS`, `NEEDS_REVIEW`.
#[test]
fn zh_8a104_annotated() {
    let Some(dir) = data_dir("zh-gitcode8a104-annotated") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("zh_all_suggested.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let c = Classifier::builtin();
    let mut dump = Dump::new("8a104");
    let mut all = Group::default();
    let mut by_label: BTreeMap<String, Group> = BTreeMap::new();
    let (mut otps, mut otp_marketing) = (0u64, Vec::new());
    let rows = parse_csv(text);
    for (row, cols) in rows.iter().skip(1).enumerate() {
        let (Some(body), Some(label)) = (cols.get(1), cols.get(6)) else {
            continue;
        };
        let got = classify(&c, SenderClass::Port, body);
        let expected = expected_instruction(body);
        dump.row(row, label, &got, expected.as_ref(), body);
        all.add(row, &got, expected.as_ref(), body);
        by_label
            .entry(label.clone())
            .or_default()
            .add(row, &got, expected.as_ref(), body);
        if otp_shaped(body) {
            otps += 1;
            if got.kind == MessageKind::Marketing {
                otp_marketing.push(body.clone());
            }
        }
    }
    all.report("8a104");
    for (label, g) in &by_label {
        g.report(&format!("8a104 {label}"));
    }
    let g = |l: &str| &by_label[l];
    let txn_marketing = g("TRANSACTION").share_line(
        "8a104",
        "TRANSACTION called marketing",
        &[MessageKind::Marketing],
    );
    let ad_marketing =
        g("AD").share_line("8a104", "AD called marketing", &[MessageKind::Marketing]);
    let fraud_benign = g("FRAUD").share_line(
        "8a104",
        "FRAUD called transactional or personal",
        &[MessageKind::Transactional, MessageKind::Personal],
    );
    g("FRAUD").share_line(
        "8a104",
        "FRAUD called suspicious",
        &[MessageKind::Suspicious],
    );
    let txn = g("TRANSACTION").whole();
    eprintln!(
        "8a104 TRANSACTION with an instruction: {} / {} given the right keyword",
        txn.right, txn.shaped
    );
    eprintln!(
        "8a104 one-time codes: {otps}, {} called marketing",
        otp_marketing.len()
    );
    for m in otp_marketing.iter().take(5) {
        eprintln!("  code called marketing: {m}");
    }
    let whole = all.whole();
    assert_eq!(whole.messages, 9817);
    assert!(
        whole.shaped >= 300,
        "instructions found by the test: {}",
        whole.shaped
    );
    assert!(
        whole.recall() >= 0.97,
        "8a104 keyword recall {:.3}",
        whole.recall()
    );
    assert!(
        whole.exactness() >= 0.99,
        "8a104 keyword exactness {:.3}",
        whole.exactness()
    );
    assert!(
        ratio(txn.right, txn.shaped) >= 0.97,
        "8a104 transactional senders' keywords: {} / {}",
        txn.right,
        txn.shaped
    );
    assert!(
        ratio(whole.targets_right, whole.targets) >= 0.95,
        "8a104 targets {} / {}",
        whole.targets_right,
        whole.targets
    );
    // Issue #12's targets, both reached (before #12: 25.2%, 72.2%; round 1:
    // 10.9%, 85.2%; round 2: 8.85%, 89.5%; round 3: 7.34%, 90.24%; round 4:
    // 6.83% (even rows 4.23%, odd rows 9.33%), 90.43%; round 5, developed on
    // the odd rows, the even rows only counted: 4.85% (even 3.84%, odd
    // 5.82%), 90.38%). Most of what is left are advertisements the corpus
    // labels TRANSACTION.
    assert!(
        txn_marketing <= 0.05,
        "8a104 TRANSACTION → marketing {txn_marketing:.3}"
    );
    assert!(
        ad_marketing >= 0.90,
        "8a104 AD → marketing {ad_marketing:.3}"
    );
    // Issue #12's target, reached (before: 13.3%).
    assert!(
        fraud_benign <= 0.05,
        "8a104 FRAUD → transactional/personal {fraud_benign:.3}"
    );
    assert!(
        otp_marketing.is_empty(),
        "one-time codes called marketing: {}",
        otp_marketing.len()
    );
}

/// The 80万 samples (digits masked as x; ham is mostly web text) and
/// xiaojie16's spam test file and hand-sorted categories of the same corpus.
#[test]
fn zh_80w_samples_and_categories() {
    let (Some(samples), Some(cats)) = (data_dir("zh-80w-samples"), data_dir("zh-80w-xiaojie16"))
    else {
        return;
    };
    let c = Classifier::builtin();
    let mut dump = Dump::new("80w");
    let (mut ham, mut spam) = (Group::default(), Group::default());
    // Instructions across both sources, each distinct text once.
    let mut instructions = Group::default();
    let mut seen = HashSet::new();
    let text = std::fs::read_to_string(samples.join("zh80w_labeled.tsv")).unwrap();
    let mut ham_marketing = Vec::new();
    for (row, line) in text.lines().skip(1).enumerate() {
        let mut cols = line.split('\t');
        let (Some(label), Some(body)) = (cols.next(), cols.next()) else {
            continue;
        };
        let got = classify(&c, SenderClass::Port, body);
        let expected = expected_instruction(body);
        dump.row(row, label, &got, expected.as_ref(), body);
        if label == "0" {
            ham.add(row, &got, expected.as_ref(), body);
            if got.kind == MessageKind::Marketing && row % 2 == 0 && ham_marketing.len() < 12 {
                ham_marketing.push(format!("[{}] {body}", got.rule_id));
            }
        } else {
            spam.add(row, &got, expected.as_ref(), body);
            if expected.is_some() && seen.insert(body.to_string()) {
                instructions.add(row, &got, expected.as_ref(), body);
            }
        }
    }
    let mut dump = Dump::new("xiaojie16");
    let mut by_file: BTreeMap<String, Group> = BTreeMap::new();
    let mut names: Vec<_> = std::fs::read_dir(&cats)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for path in names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let group = by_file.entry(name.clone()).or_default();
        for (row, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let Some(body) = line.splitn(3, '\t').nth(2) else {
                continue;
            };
            let got = classify(&c, SenderClass::Port, body);
            let expected = expected_instruction(body);
            dump.row(row, &name, &got, expected.as_ref(), body);
            group.add(row, &got, expected.as_ref(), body);
            if expected.is_some() && seen.insert(body.to_string()) {
                instructions.add(row, &got, expected.as_ref(), body);
            }
        }
    }
    ham.report("80w ham");
    spam.report("80w spam");
    for m in &ham_marketing {
        eprintln!("  ham called marketing: {m}");
    }
    for (name, g) in &by_file {
        g.report(&format!("xiaojie16 {name}"));
        g.share_line(
            "xiaojie16",
            &format!("{name} suspicious"),
            &[MessageKind::Suspicious],
        );
    }
    instructions.report("80w + xiaojie16 instructions (distinct texts)");
    let ham_share = ham.share_line("80w", "ham called marketing", &[MessageKind::Marketing]);
    let spam_share = spam.share_line(
        "80w",
        "spam called marketing or suspicious",
        &[MessageKind::Marketing, MessageKind::Suspicious],
    );
    let impersonation = by_file
        .iter()
        .find(|(n, _)| n.starts_with("冒充银行"))
        .map(|(n, g)| g.share_line("xiaojie16", n, &[MessageKind::Suspicious]))
        .expect("the bank-impersonation file");
    let inst = instructions.whole();
    assert!(
        inst.shaped >= 50,
        "instructions found by the test: {}",
        inst.shaped
    );
    assert!(
        inst.recall() >= 0.97,
        "80w keyword recall {:.3}",
        inst.recall()
    );
    assert!(
        inst.exactness() >= 0.99,
        "80w keyword exactness {:.3}",
        inst.exactness()
    );
    assert_eq!(ham.whole().with_keyword, 0, "80w ham given a keyword");
    assert!(ham_share <= 0.015, "80w ham → marketing {ham_share:.4}");
    // Round 2 reached 65.5%; round 3 lost five points (unsigned two-hint
    // texts needed a way to answer, and the corpus masks every number);
    // round 4 asks that only of snippets that do not speak to their reader.
    assert!(
        spam_share >= 0.65,
        "80w spam → marketing or suspicious {spam_share:.4}"
    );
    assert!(
        impersonation >= 0.50,
        "bank-impersonation → suspicious {impersonation:.3}"
    );
}

/// IIIT-D (India): ham/spam re-annotated into four classes. No sender
/// column, so no DLT header: the sender is of unknown shape.
#[test]
fn india_iiitd_annotated() {
    let Some(dir) = data_dir("in-iiitd-annotated") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("iiitd_all_suggested.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let c = Classifier::builtin();
    let mut dump = Dump::new("iiitd");
    let (mut ad, mut ham) = (Group::default(), Group::default());
    let mut ham_marketing = Vec::new();
    for (row, cols) in parse_csv(text).iter().skip(1).enumerate() {
        let (Some(body), Some(orig), Some(label)) = (cols.get(1), cols.get(4), cols.get(5)) else {
            continue;
        };
        let got = classify(&c, SenderClass::Other, body);
        dump.row(row, &format!("{orig}/{label}"), &got, None, body);
        if label == "AD" {
            ad.add(row, &got, None, body);
        }
        if orig == "ham" {
            ham.add(row, &got, None, body);
            if got.kind == MessageKind::Marketing && ham_marketing.len() < 10 {
                ham_marketing.push(format!("[{}] {body}", got.rule_id));
            }
        }
    }
    ad.report("IIIT-D AD");
    ham.report("IIIT-D ham");
    for m in &ham_marketing {
        eprintln!("  ham called marketing: {m}");
    }
    let ad_share = ad.share_line("IIIT-D", "AD called marketing", &[MessageKind::Marketing]);
    let ham_share = ham.share_line("IIIT-D", "ham called marketing", &[MessageKind::Marketing]);
    assert_eq!(ad.whole().messages, 889);
    assert_eq!(ham.whole().messages, 1000);
    // Issue #12's target, reached in round 3 (round 1: 19%, round 2: 74.6%,
    // round 3: 82.5%). The rest are ads with no price, number or offer word
    // (news, quotes, "Now watch … on www…").
    assert!(ad_share >= 0.80, "IIIT-D AD → marketing {ad_share:.3}");
    assert!(ham_share <= 0.005, "IIIT-D ham → marketing {ham_share:.4}");
}

#[test]
fn expected_instruction_definition() {
    let kw = |t: &str| expected_instruction(t).map(|(k, _)| k);
    assert_eq!(kw("全场5折，回T退订").as_deref(), Some("T"));
    assert_eq!(kw("退订回复TD").as_deref(), Some("TD"));
    assert_eq!(kw("回复0000可屏蔽").as_deref(), Some("0000"));
    assert_eq!(kw("查询回1，回TD退订").as_deref(), Some("TD"));
    assert_eq!(kw("TD退订").as_deref(), Some("TD"));
    assert_eq!(
        expected_instruction("如需退订该提醒服务，请发送QXTCMX至10086"),
        Some(("QXTCMX".into(), Some("10086".into())))
    );
    assert_eq!(kw("您已成功退订"), None);
    assert_eq!(kw("回头你也退了吧"), None);
    assert!(otp_shaped("验证码：482910，请勿泄露"));
    assert!(!otp_shaped("输入优惠码SAVE2014，验证码不需要"));
}
