//! Table-driven tests for the classification rules: every phrasing the issue
//! lists, the ones that must match and the ones that must not.

use super::*;

fn region(code: &str) -> Region {
    Region::new(code).unwrap()
}

fn norm(raw: &str, code: &str) -> (String, SenderClass, Option<char>) {
    let n = normalize_sender(raw, &region(code));
    (n.key, n.class, n.dlt_suffix)
}

#[test]
fn sender_normalisation() {
    use SenderClass::{Alphanumeric, Email, Mobile, Other, Port, Service, ShortCode};
    let cases: &[(&str, &str, &str, SenderClass, Option<char>)] = &[
        // Chinese mobiles, every way of writing one.
        ("+86 139 1234 5678", "CN", "+8613912345678", Mobile, None),
        ("13912345678", "CN", "+8613912345678", Mobile, None),
        ("+8613912345678", "CN", "+8613912345678", Mobile, None),
        ("008613912345678", "CN", "+8613912345678", Mobile, None),
        ("8613912345678", "CN", "+8613912345678", Mobile, None),
        ("139-1234-5678", "CN", "+8613912345678", Mobile, None),
        ("+86 139 1234 5678", "US", "+8613912345678", Mobile, None),
        (
            "１３９１２３４５６７８",
            "CN",
            "+8613912345678",
            Mobile,
            None,
        ),
        // Chinese service numbers stay as dialled.
        ("106912345678", "CN", "106912345678", Port, None),
        ("+86106912345678", "CN", "106912345678", Port, None),
        ("86106912345678", "CN", "106912345678", Port, None),
        ("10690123456789012", "CN", "10690123456789012", Port, None),
        ("1065502101234", "US", "1065502101234", Port, None),
        ("95588", "CN", "95588", Service, None),
        ("+8695528", "CN", "95528", Service, None),
        ("8695528", "CN", "95528", Service, None),
        ("96066", "CN", "96066", Service, None),
        ("10086", "CN", "10086", Service, None),
        ("1008611", "CN", "1008611", Service, None),
        ("10010", "CN", "10010", Service, None),
        ("12306", "CN", "12306", Service, None),
        ("12345", "CN", "12345", Service, None),
        ("021 6123 4567", "CN", "+862161234567", Other, None),
        // US/CA.
        ("(415) 555-0132", "US", "+14155550132", Mobile, None),
        ("415.555.0132", "US", "+14155550132", Mobile, None),
        ("1-415-555-0132", "US", "+14155550132", Mobile, None),
        ("+1 (415) 555-0132", "CN", "+14155550132", Mobile, None),
        ("(415) 555-0132", "CA", "+14155550132", Mobile, None),
        ("80808", "US", "80808", ShortCode, None),
        ("898287", "US", "898287", ShortCode, None),
        ("12345", "US", "12345", ShortCode, None),
        ("87070", "GB", "87070", ShortCode, None),
        ("07700 900123", "GB", "+447700900123", Mobile, None),
        // Alphanumeric and DLT.
        ("Amazon", "US", "AMAZON", Alphanumeric, None),
        ("  GLO  ", "NG", "GLO", Alphanumeric, None),
        ("AD-HDFCBK", "IN", "HDFCBK", Alphanumeric, None),
        ("VM-HDFCBK", "IN", "HDFCBK", Alphanumeric, None),
        ("ad-hdfcbk-s", "IN", "HDFCBK", Alphanumeric, Some('S')),
        ("JD-AIRTEL-P", "IN", "AIRTEL", Alphanumeric, Some('P')),
        ("BZ-GOVTIN-G", "IN", "GOVTIN", Alphanumeric, Some('G')),
        ("TX-SBIOTP-T", "IN", "SBIOTP", Alphanumeric, Some('T')),
        ("AD-HDFCBK-X", "IN", "AD-HDFCBK-X", Alphanumeric, None),
        // E-mail and RCS.
        (
            "Offers@Brand.Example",
            "US",
            "offers@brand.example",
            Email,
            None,
        ),
        (
            "acme_promo@rbm.goog",
            "US",
            "acme_promo@rbm.goog",
            Email,
            None,
        ),
        // Odd shapes never panic and land in Other.
        ("", "CN", "", Other, None),
        ("   ", "CN", "", Other, None),
        ("+", "CN", "+", Other, None),
        ("😀", "CN", "😀", Other, None),
        ("张三", "CN", "张三", Other, None),
    ];
    for &(raw, code, key, class, dlt) in cases {
        assert_eq!(
            norm(raw, code),
            (key.to_string(), class, dlt),
            "normalize_sender({raw:?}, {code})"
        );
    }
}

#[test]
fn normalisation_never_panics() {
    let long = "9".repeat(500);
    let weird = [
        "",
        " ",
        "+",
        "++",
        "00",
        "0",
        "+86",
        "86",
        "106",
        "-",
        "()",
        "@",
        "@@",
        "a@",
        "@b",
        "\u{0}",
        "\u{feff}",
        "😀😀😀",
        "+😀",
        "１",
        "\u{3000}",
        "ＡＢ-ＣＤＥＦ",
        "ab-",
        "-ab-c-",
        "AB--",
        "é",
        "+1",
        "+10000000000000000000000000000000000000",
        "0086",
        "00861",
        long.as_str(),
        "a\u{301}b",
        "\u{202e}12345",
        "1 2 3",
        "x-y-z-w",
        "AB-CDE-FGH",
    ];
    for r in ["CN", "US", "IN", "GB", "ZZ"] {
        for w in weird {
            let _ = normalize_sender(w, &region(r));
        }
    }
    // Every char boundary of a mixed string.
    let mixed = "【京东】+86 139😀 abc-DEF-S @x ０";
    for (i, _) in mixed.char_indices() {
        if let Some(tail) = mixed.get(i..) {
            let _ = normalize_sender(tail, &Region::default());
            let _ = Classifier::builtin().classify(&incoming(SenderClass::Other, tail));
        }
    }
}

fn incoming(class: SenderClass, body: &str) -> MessageFeatures<'_> {
    MessageFeatures {
        from_contact: false,
        direction: Direction::Incoming,
        sender_class: class,
        body,
        hint: None,
    }
}

fn instruction_of(
    c: &Classifier,
    class: SenderClass,
    body: &str,
) -> Option<(String, Option<String>)> {
    c.classify(&incoming(class, body))
        .instruction
        .map(|i| (i.keyword, i.target))
}

#[test]
fn chinese_instructions() {
    let c = Classifier::builtin();
    let cases: &[(&str, &str)] = &[
        ("【京东】618全场5折起，回T退订", "T"),
        ("【京东】618全场5折起，退订回T", "T"),
        ("【唯品会】新品上市，回TD退订", "TD"),
        ("【拼多多】限时秒杀，退订请回复TD", "TD"),
        ("【某银行】理财产品年化4%，回复TDDX退订", "TDDX"),
        ("【美团】红包已到账，退订回N", "N"),
        ("【移动】流量包优惠办理，回复0000退订", "0000"),
        ("【链家】新楼盘开盘，拒收请回复R", "R"),
        ("【肯德基】会员日优惠，退订回复T", "T"),
        ("【京东】大促，回Ｔ退订", "T"),
        ("【京东】大促，回ＴＤ退订", "TD"),
        ("【京东】大促，回\"T\"退订", "T"),
        ("【京东】大促，回“T”退订", "T"),
        ("【京东】大促，退订回【T】", "T"),
        ("【京东】大促，回 T 退订", "T"),
        ("【京东】大促，回t退订", "T"),
        ("【京东】大促，回td退订", "TD"),
        ("【京东】大促，回复ｔｄ退订", "TD"),
        ("【京东】大促，退订回\u{3000}T", "T"),
        ("【招商银行】查看利率回1，申请回2，回T退订", "T"),
        (
            "【招商银行】备用金额度已提升，查看利率回1，申请回2，退订回T",
            "T",
        ),
        ("【某品牌】新店开业，回复T退", "T"),
    ];
    for &(body, kw) in cases {
        assert_eq!(
            instruction_of(&c, SenderClass::Port, body),
            Some((kw.to_string(), None)),
            "{body}"
        );
    }
    assert_eq!(
        instruction_of(
            &c,
            SenderClass::Port,
            "【某品牌】新品上市，如需退订请回复“退订”"
        ),
        Some(("退订".to_string(), None))
    );
    assert_eq!(
        instruction_of(
            &c,
            SenderClass::Port,
            "【叮咚买菜】首单立减50元。如需退订请编辑短信T发送至10699612"
        ),
        Some(("T".to_string(), Some("10699612".to_string())))
    );
    // A target number named in the message, stored normalised.
    assert_eq!(
        instruction_of(
            &c,
            SenderClass::Port,
            "【某品牌】优惠活动，退订请发送TD到106901234567"
        ),
        Some(("TD".to_string(), Some("106901234567".to_string())))
    );
    assert_eq!(
        instruction_of(
            &c,
            SenderClass::Port,
            "【某品牌】优惠活动，发送TD至+86106901234567退订"
        ),
        None,
        "a + is not part of a Chinese port: no target, and 退订 is too far from TD"
    );
}

#[test]
fn english_instructions() {
    // GB, so that the UK mobile named below is written in E.164.
    let c = Classifier::builtin().with_region(region("GB"));
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("Acme: 20% off today! Reply STOP to opt out", "STOP", None),
        ("Acme: 20% off today! Reply STOP to cancel", "STOP", None),
        (
            "Acme: 20% off today! Reply STOP to unsubscribe",
            "STOP",
            None,
        ),
        ("Acme: 20% off today! Reply STOP to end", "STOP", None),
        ("Acme deals: 2 for 1. STOP to cancel", "STOP", None),
        (
            "Acme deals: 2 for 1. Txt STOP to 80808 to end",
            "STOP",
            Some("80808"),
        ),
        ("Acme deals: 2 for 1. Text STOP to quit", "STOP", None),
        ("Acme deals: 2 for 1. STOP2END", "STOP", None),
        (
            "Acme deals: 2 for 1. reply UNSUBSCRIBE",
            "UNSUBSCRIBE",
            None,
        ),
        (
            "Great deals this week! To stop receiving offers SMS STOP to 5676712",
            "STOP",
            Some("5676712"),
        ),
        ("Reply OFF to stop receiving notifications", "OFF", None),
        ("New tones every week. reply END", "END", None),
        ("New tones every week. Reply QUIT", "QUIT", None),
        ("New tones every week. Reply CANCEL", "CANCEL", None),
        ("Free entry! txt stop to 87239", "STOP", Some("87239")),
        ("Send STOP to 62468", "STOP", Some("62468")),
        (
            "Stop? txt CLUB STOP to 87070. 150p",
            "CLUB STOP",
            Some("87070"),
        ),
        (
            "To opt out txt X to 07786200117",
            "X",
            Some("+447786200117"),
        ),
        ("£3.00 Sub. 16 . Unsub reply X", "X", None),
        ("Hockey quiz. End? Reply END SPTV", "END SPTV", None),
        ("msg@150p 18+only. rpl Stop 2 cnl", "STOP", None),
        (
            "Text YES to 5039 or STOPALERTS to unsubscribe",
            "STOPALERTS",
            None,
        ),
        (
            "To cancel send \"go stop\" to 89123",
            "GO STOP",
            Some("89123"),
        ),
        (
            "Reply \"stop\" to stop getting Facebook texts",
            "STOP",
            None,
        ),
        ("To stop,text NO to 38321", "NO", Some("38321")),
        ("REPLY STOP TO 80808 TO END", "STOP", Some("80808")),
        ("Sale! Reply STOP2END", "STOP", None),
    ];
    for &(body, kw, target) in cases {
        assert_eq!(
            instruction_of(&c, SenderClass::ShortCode, body),
            Some((kw.to_string(), target.map(str::to_string))),
            "{body}"
        );
    }
}

#[test]
fn not_instructions() {
    let c = Classifier::builtin();
    let cases: &[(SenderClass, &str)] = &[
        (SenderClass::Port, "【招商银行】查看利率回1，申请回2"),
        (SenderClass::Port, "【某银行】回1查询余额，回2查询账单"),
        (
            SenderClass::ShortCode,
            "Win a trip! T&C apply. Call 0800 123 456",
        ),
        (SenderClass::ShortCode, "Sale now on. Reply HELP for help"),
        (
            SenderClass::ShortCode,
            "Sale now on: TVs from $499.99, code SAVE20",
        ),
        (SenderClass::ShortCode, "Your code is 482910"),
        (
            SenderClass::Alphanumeric,
            "Purchase of AED 50.00 at QUICK STOP approved",
        ),
        (
            SenderClass::Alphanumeric,
            "Offer at QUICK STOP: 2 for 1 on drinks",
        ),
        (SenderClass::Mobile, "don't stop, keep going!"),
        (SenderClass::Mobile, "回头你也退了吧"),
        (SenderClass::Mobile, "I'll text, stop worrying"),
        (SenderClass::Mobile, "my text stopped working"),
        (SenderClass::Mobile, "Please reply. Stop ignoring me"),
        (SenderClass::Mobile, "wait 4 the rain 2 stop"),
        (SenderClass::Mobile, "we'll see it from end to end"),
        (SenderClass::Port, "【顺丰】您的快递已退回T2航站楼"),
        (SenderClass::Port, "【京东】您的订单已发货，回1查看物流"),
        (SenderClass::Port, "全场5折"),
        (SenderClass::Port, ""),
    ];
    for &(class, body) in cases {
        assert_eq!(instruction_of(&c, class, body), None, "{body}");
    }
}

#[test]
fn message_kinds() {
    use MessageKind::{
        Marketing, OptoutConfirmation, Personal, ResubscribeConfirmation, Suspicious, Transactional,
    };
    use SenderClass::{Alphanumeric, Mobile, Other, Port, Service, ShortCode};
    let c = Classifier::builtin();
    let cases: &[(SenderClass, &str, MessageKind)] = &[
        // Transactional, also from a marketing number and with an opt-out tail.
        (
            Port,
            "【京东】您的验证码是123456，5分钟内有效",
            Transactional,
        ),
        (
            Port,
            "【淘宝】校验码 4321，请勿泄露。回T退订",
            Transactional,
        ),
        (Service, "【工商银行】动态码668899，用于转账", Transactional),
        (
            Port,
            "【菜鸟驿站】取件码 3-2-1101，请及时取件",
            Transactional,
        ),
        (
            Service,
            "您尾号1234的储蓄卡3月1日消费100.00元，余额2,000.00元【招商银行】",
            Transactional,
        ),
        (
            Port,
            "【协和医院】您已预约成功，请于3月3日就诊",
            Transactional,
        ),
        (Service, "【12345】您的公积金已到账", Transactional),
        (
            ShortCode,
            "G-123456 is your Google verification code",
            Transactional,
        ),
        (
            ShortCode,
            "123456 is your Acme code. Reply STOP to opt out",
            Transactional,
        ),
        (ShortCode, "Your OTP for login is 991122", Transactional),
        (
            Alphanumeric,
            "Your package has been delivered",
            Transactional,
        ),
        (
            Alphanumeric,
            "Your account ending 1234 was debited $20.00",
            Transactional,
        ),
        (
            Alphanumeric,
            "Reminder: your appointment with Dr Lee is on Mon 3pm",
            Transactional,
        ),
        // Confirmations.
        (Port, "【京东】您已成功退订营销短信", OptoutConfirmation),
        (Port, "退订成功，您将不再收到此类短信", OptoutConfirmation),
        // A brand's own name is not a promotion: 会员/优选 in 【…】 say nothing.
        (
            Port,
            "【优选会员】您的订单已发货，请注意查收",
            Transactional,
        ),
        (
            Port,
            "您的订单已发货，请注意查收【优选会员】",
            Transactional,
        ),
        // A 会员 in the signature is not a promotion.
        (
            Port,
            "【佳客会员】您的退订申请已受理，24小时内生效。",
            OptoutConfirmation,
        ),
        (
            ShortCode,
            "You have been unsubscribed and will receive no more messages.",
            OptoutConfirmation,
        ),
        (
            ShortCode,
            "You have opted out and will no longer receive messages. Reply HELP for help",
            OptoutConfirmation,
        ),
        (
            ShortCode,
            "You're unsubscribed from Acme Alerts. No more msgs will be sent. Reply HELP for help.",
            OptoutConfirmation,
        ),
        (
            ShortCode,
            "You will not receive any more messages from this number. Reply START to resubscribe.",
            OptoutConfirmation,
        ),
        (
            ShortCode,
            "You have been resubscribed to Acme alerts. Reply STOP to cancel",
            ResubscribeConfirmation,
        ),
        (
            ShortCode,
            "Welcome back to Acme Deals! Msg&data rates may apply.",
            ResubscribeConfirmation,
        ),
        (
            Port,
            "【京东】您已重新订阅营销短信",
            ResubscribeConfirmation,
        ),
        // An instruction beats a confirmation-like phrase.
        (
            ShortCode,
            "Acme: 30% off! Reply STOP and you will no longer receive messages",
            Marketing,
        ),
        // Marketing.
        (Port, "【京东】618全场5折起，回T退订", Marketing),
        (Port, "【京东】618全场5折起", Marketing),
        (
            Port,
            "【移动】您本月话费余额充足，办理流量包优惠，回T退订",
            Marketing,
        ),
        (
            ShortCode,
            "Acme: 20% off all shoes this weekend. Reply STOP to opt out",
            Marketing,
        ),
        (
            Other,
            "FREE entry in 2 a wkly comp to win FA Cup final tkts. Text FA to 87121",
            Marketing,
        ),
        (Mobile, "【某某店】新店开业，全场5折，退订回T", Marketing),
        (
            Port,
            "【招商银行】您有一笔备用金额度待领取，回T退订",
            Marketing,
        ),
        // Suspicious.
        (
            Mobile,
            "您的备用金额度50000已到账，点击 http://x.cn/a 领取",
            Suspicious,
        ),
        (
            Mobile,
            "Congratulations! You've won a $1000 gift card, claim at http://bit.ly/xyz",
            Suspicious,
        ),
        (
            Mobile,
            "You are pre-approved for a loan: www.fastcash.example",
            Suspicious,
        ),
        (
            Mobile,
            "【招商银行】您的账户存在异常，请联系客服",
            Suspicious,
        ),
        (Mobile, "【招商银行】您的验证码是123456", Suspicious),
        // Personal.
        (Mobile, "回头你也退了吧", Personal),
        (Mobile, "Welcome back! How was the trip?", Personal),
        (
            Mobile,
            "are you free tonight? there's a sale at the mall",
            Personal,
        ),
        (Mobile, "今天有活动吗？", Personal),
        (Mobile, "don't stop, keep going!", Personal),
        (Other, "Ok lar... Joking wif u oni...", Personal),
        // Business senders that are neither advertising nor matched.
        (
            Alphanumeric,
            "Thanks for visiting, see you soon",
            Transactional,
        ),
    ];
    for &(class, body, want) in cases {
        let got = c.classify(&incoming(class, body));
        assert_eq!(
            got.kind, want,
            "{body} ({class:?}) decided by {}",
            got.rule_id
        );
    }
}

#[test]
fn outgoing_is_outgoing() {
    let c = Classifier::builtin();
    let got = c.classify(&MessageFeatures {
        from_contact: false,
        direction: Direction::Outgoing,
        sender_class: SenderClass::Port,
        body: "T",
        hint: None,
    });
    assert_eq!(got.kind, MessageKind::Outgoing);
    assert_eq!(got.instruction, None);
}

#[test]
fn no_instruction_on_transactional_or_personal() {
    let c = Classifier::builtin();
    let got = c.classify(&incoming(
        SenderClass::ShortCode,
        "123456 is your Acme code. Reply STOP to opt out",
    ));
    // Issue #12: a transactional sender's stated way to stop is kept; the
    // message stays transactional.
    assert_eq!(got.kind, MessageKind::Transactional);
    assert_eq!(got.instruction.map(|i| i.keyword).as_deref(), Some("STOP"));
    let got = c.classify(&incoming(
        SenderClass::ShortCode,
        "You have been resubscribed to Acme alerts. Reply STOP to cancel",
    ));
    assert_eq!(got.instruction.map(|i| i.keyword).as_deref(), Some("STOP"));
}

#[test]
fn hints_are_weak() {
    let c = Classifier::builtin();
    let with_hint = |class, body, hint| {
        c.classify(&MessageFeatures {
            from_contact: false,
            direction: Direction::Incoming,
            sender_class: class,
            body,
            hint: Some(hint),
        })
        .kind
    };
    // A hint decides only what no rule does.
    assert_eq!(
        with_hint(SenderClass::ShortCode, "Hello from Acme", "promotion"),
        MessageKind::Marketing
    );
    assert_eq!(
        with_hint(SenderClass::ShortCode, "Hello from Acme", "transaction"),
        MessageKind::Transactional
    );
    assert_eq!(
        with_hint(
            SenderClass::ShortCode,
            "G-123456 is your Google verification code",
            "promotion"
        ),
        MessageKind::Transactional
    );
    assert_eq!(
        with_hint(
            SenderClass::ShortCode,
            "20% off today, reply STOP to end",
            "transaction"
        ),
        MessageKind::Marketing
    );
    assert_eq!(
        with_hint(SenderClass::Mobile, "see you at 8", "promotion"),
        MessageKind::Personal
    );
}

#[test]
fn brands_on_classifications() {
    let c = Classifier::builtin();
    let got = c.classify(&incoming(
        SenderClass::Port,
        "【京东】618全场5折起，回T退订",
    ));
    assert_eq!(
        got.brand,
        Some(("京东".to_string(), BrandSource::Signature))
    );
    let got = c.classify(&incoming(
        SenderClass::ShortCode,
        "Acme: 20% off. Reply STOP to opt out",
    ));
    assert_eq!(got.brand, Some(("Acme".to_string(), BrandSource::Prefix)));
}

#[test]
fn every_classification_names_its_rule() {
    let c = Classifier::builtin();
    let ids: Vec<String> = rules::parse(BUILTIN_RULES, "builtin")
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    for body in [
        "【京东】回T退订",
        "验证码123456",
        "hello",
        "You have been unsubscribed",
    ] {
        let got = c.classify(&incoming(SenderClass::Port, body));
        assert!(
            ids.contains(&got.rule_id) || got.rule_id.contains('.'),
            "{body}: rule id {}",
            got.rule_id
        );
    }
}

#[test]
fn user_rules_extend_and_replace() {
    let user = r#"
[[rule]]
id = "user.marketing.newsletter"
lang = "en"
kind = "marketing"
patterns = ['(?i)weekly bulletin']

[[rule]]
id = "en.txn.code"
lang = "en"
kind = "transactional"
patterns = ['(?i)your secret number']
"#;
    let c = Classifier::with_user_rules_text(user, "user.toml").unwrap();
    let got = c.classify(&incoming(
        SenderClass::Alphanumeric,
        "Our weekly bulletin is out",
    ));
    assert_eq!(
        (got.kind, got.rule_id.as_str()),
        (MessageKind::Marketing, "user.marketing.newsletter")
    );
    // The user's en.txn.code replaced the built-in one.
    let got = c.classify(&incoming(
        SenderClass::Alphanumeric,
        "Your secret number is 42",
    ));
    assert_eq!(
        (got.kind, got.rule_id.as_str()),
        (MessageKind::Transactional, "en.txn.code")
    );
    assert_ne!(c.version(), Classifier::builtin().version());
}

#[test]
fn bad_user_rules_name_file_rule_and_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(
        &path,
        "[[rule]]\nid = \"mine.broken\"\nlang = \"en\"\nkind = \"marketing\"\npatterns = ['(unclosed']\n",
    )
    .unwrap();
    let err = Classifier::with_user_rules(&path).unwrap_err();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("mine.broken"), "{err}");
    assert!(err.contains("unclosed group"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");

    std::fs::write(&path, "[[rule]]\nid = \"x\"\nkind = 3\n").unwrap();
    let err = Classifier::with_user_rules(&path).unwrap_err();
    assert!(
        err.contains(&path.display().to_string()) && !err.contains('\n'),
        "{err}"
    );

    std::fs::write(
        &path,
        "[[rule]]\nid = \"mine.kind\"\nlang = \"en\"\nkind = \"spam\"\npattern = 'x'\n",
    )
    .unwrap();
    let err = Classifier::with_user_rules(&path).unwrap_err();
    assert!(
        err.contains("mine.kind") && err.contains("unknown kind"),
        "{err}"
    );

    std::fs::write(
        &path,
        "[[rule]]\nid = \"mine.kw\"\nlang = \"en\"\nkind = \"instruction\"\npattern = 'stop'\n",
    )
    .unwrap();
    let err = Classifier::with_user_rules(&path).unwrap_err();
    assert!(err.contains("mine.kw") && err.contains("kw"), "{err}");

    // A missing file is no file.
    let c = Classifier::with_user_rules(&dir.path().join("absent.toml")).unwrap();
    assert_eq!(c.version(), Classifier::builtin().version());
}

#[test]
fn version_follows_rule_text() {
    let a = Classifier::builtin();
    assert!(a.version().starts_with("rules-") && a.version().len() == "rules-".len() + 12);
    assert_eq!(a.version(), Classifier::builtin().version());
    let b = Classifier::with_user_rules_text(
        "[[rule]]\nid = \"u\"\nlang = \"any\"\nkind = \"marketing\"\npattern = 'x'\n",
        "u",
    )
    .unwrap();
    let c = Classifier::with_user_rules_text(
        "[[rule]]\nid = \"u\"\nlang = \"any\"\nkind = \"marketing\"\npattern = 'y'\n",
        "u",
    )
    .unwrap();
    assert_ne!(a.version(), b.version());
    assert_ne!(b.version(), c.version());
    assert_ne!(a.version(), a.clone().with_region(region("US")).version());
}

#[test]
fn target_uses_the_classifier_region() {
    let us = Classifier::builtin().with_region(region("US"));
    assert_eq!(
        instruction_of(
            &us,
            SenderClass::Mobile,
            "Big sale, 20% off! Text STOP to +1 415 555 0132 to end"
        ),
        Some(("STOP".to_string(), Some("+14155550132".to_string())))
    );
}

#[test]
fn hot_path_patterns_avoid_unicode_word_boundaries() {
    // A bare \b (or \B) is Unicode-aware and ~120x slower on Chinese text.
    for rule in rules::parse(BUILTIN_RULES, "builtin").unwrap() {
        for re in &rule.regexes {
            let p = re.as_str();
            let bare = p
                .match_indices("\\b")
                .chain(p.match_indices("\\B"))
                .any(|(i, _)| !p.get(..i).is_some_and(|before| before.ends_with("(?-u:")));
            assert!(!bare, "rule {} uses a Unicode word boundary: {p}", rule.id);
        }
    }
}

#[test]
fn jurisdiction_defaults() {
    use SenderClass::{Alphanumeric, Email, Mobile, Other, Port, Service, ShortCode};
    for (class, key, want) in [
        (Port, "106912345678", Some("R")),
        (Service, "95588", Some("R")),
        (ShortCode, "80808", Some("STOP")),
        (Mobile, "+14155550132", Some("STOP")),
        (Other, "+14155550132", Some("STOP")),
        (Mobile, "+8613912345678", None),
        (Alphanumeric, "HDFCBK", None),
        (Email, "a@rbm.goog", None),
    ] {
        assert_eq!(
            jurisdiction_default_keyword(class, key),
            want,
            "{class:?} {key}"
        );
    }
}

#[test]
fn kinds_and_classes_round_trip() {
    for k in [
        MessageKind::Marketing,
        MessageKind::Transactional,
        MessageKind::OptoutConfirmation,
        MessageKind::ResubscribeConfirmation,
        MessageKind::Personal,
        MessageKind::Suspicious,
        MessageKind::Outgoing,
    ] {
        assert_eq!(MessageKind::parse(k.as_str()), Some(k));
        assert_eq!(k.to_string(), k.as_str());
    }
    assert_eq!(MessageKind::parse("nonsense"), None);
    for c in [
        SenderClass::Port,
        SenderClass::ShortCode,
        SenderClass::Service,
        SenderClass::Alphanumeric,
        SenderClass::Mobile,
        SenderClass::Email,
        SenderClass::Other,
    ] {
        assert_eq!(SenderClass::parse(c.as_str()), c);
    }
}

#[test]
fn chinese_instruction_grammar() {
    let c = Classifier::builtin();
    // The forms issue #12 lists, with invented bodies around them.
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("【某店】春装上新，TD退订", "TD", None),
        ("【某店】春装上新，退订T", "T", None),
        ("【某店】春装上新，退订TD", "TD", None),
        ("【某店】春装上新，退订回D", "D", None),
        ("【某店】春装上新，屏蔽回复TD", "TD", None),
        ("【某店】春装上新，拒收所有短信直接回复TD", "TD", None),
        ("新店开张，欢迎光临。打扰回N不发", "N", None),
        ("如需停止提醒，请发送“TDTQ”办理退订", "TDTQ", None),
        ("新品上市，回#BY退订", "BY", None),
        ("【某台】今日节目预告。屏蔽此类信息请回复A", "A", None),
        ("【某网】航班变动提醒。回复0000可屏蔽", "0000", None),
        ("【某网】航班变动提醒。如需屏蔽，回复0000", "0000", None),
        ("【某商城】订单已发货。如需退订，请回复CKTD", "CKTD", None),
        ("【某团】新品团购，退订团购回复TD", "TD", None),
        (
            "【某店】满100减20，请编辑短信TD发送至10690000退订",
            "TD",
            Some("10690000"),
        ),
        (
            "【中国移动】您的提醒服务已开通。如需退订该提醒服务，请发送QXTCMX至10086",
            "QXTCMX",
            Some("10086"),
        ),
        ("【某店】特惠，回 “ＴＤ” 退订", "TD", None),
        ("【某店】特惠，详询回Y，退订请回TD", "TD", None),
        ("【某店】特惠，查询回1，回TD退订", "TD", None),
        ("【某行】理财[回@5TD退订短信]", "@5TD", None),
    ];
    for &(body, kw, target) in cases {
        assert_eq!(
            instruction_of(&c, SenderClass::Port, body),
            Some((kw.to_string(), target.map(String::from))),
            "{body}"
        );
    }
    // Look-alikes that state no instruction.
    for body in [
        "【某行】回复1查询余额，回复2查询账单",
        "【某店】STUDIO退订须知请见官网",
        "【某店】下载APP退订更方便",
        "您已成功退订TD业务",
        "退订成功，如需重新订购请回复KT",
        "【某航】您的航班已退回T2航站楼",
        "回复Y确认，回复N取消订单",
        "我们不打扰你了，回头见",
        "屏蔽门故障，请回复1了解详情",
    ] {
        assert_eq!(instruction_of(&c, SenderClass::Port, body), None, "{body}");
    }
}

#[test]
fn transactional_keeps_its_stated_optout() {
    let c = Classifier::builtin();
    let got = c.classify(&incoming(
        SenderClass::Port,
        "【某网】订单1082986996已出票，总金额875.00元。如需屏蔽，回复0000",
    ));
    assert_eq!(got.kind, MessageKind::Transactional);
    assert_eq!(got.instruction.map(|i| i.keyword).as_deref(), Some("0000"));
    // Cue words do not outweigh the facts of a notice.
    let got = c.classify(&incoming(
        SenderClass::Port,
        "您尾号1234的卡消费128.00元，会员积分活动详询95555【某银行】",
    ));
    assert_eq!(got.kind, MessageKind::Transactional);
}

#[test]
fn dlt_suffix_is_the_senders_declaration() {
    let c = Classifier::builtin();
    let body = "Dear customer, 20% off on all loans this week. Visit branch.";
    let msg = incoming(SenderClass::Alphanumeric, body);
    for s in ['S', 'T', 'G'] {
        assert_ne!(
            c.classify_dlt(&msg, Some(s)).kind,
            MessageKind::Marketing,
            "{s}"
        );
    }
    let plain = incoming(SenderClass::Alphanumeric, "Your statement is ready.");
    assert_eq!(
        c.classify_dlt(&plain, Some('P')).kind,
        MessageKind::Marketing
    );
    // A one-time code stays transactional whatever the header says.
    let code = incoming(SenderClass::Alphanumeric, "123456 is your OTP");
    assert_eq!(
        c.classify_dlt(&code, Some('P')).kind,
        MessageKind::Transactional
    );
}

#[test]
fn suspicious_shapes() {
    let c = Classifier::builtin();
    for body in [
        "工商银行 6222 0212 3456 7890 123 张三，货款打这个卡",
        "我换号了，房租直接打到我老婆的卡上",
        "【ETC】您的ETC认证已失效，请点击 http://etc-xx.top 重新认证",
        "Hi mum, I changed my number, please transfer the rent to this account today",
        "Pay the deposit into my wife's account, not mine",
        "Your SBI account will be blocked today, update KYC at http://sbi-kyc.top",
    ] {
        assert_eq!(
            c.classify(&incoming(SenderClass::Mobile, body)).kind,
            MessageKind::Suspicious,
            "{body}"
        );
    }
    // From a port too: a brand's name in a domain that is not the brand's.
    for body in [
        "【中国移动】您的积分即将清零，请登录 http://10086-jf.top 兑换",
        "尊敬的用户：您的账户已冻结，请登录 www.icbc-vip.cn 解冻",
        "恭喜您被栏目组抽选为场外幸运观众，荣获奖金，请登录 www.xx-prize.com 领取",
    ] {
        let got = c.classify(&incoming(SenderClass::Port, body));
        assert_eq!(got.kind, MessageKind::Suspicious, "{body}");
        assert!(got.evidence.is_some(), "{body}: no evidence");
    }
    let body = "尊敬的用户：您的账户已冻结，请登录 www.icbc-vip.cn 解冻";
    let got = c.classify(&incoming(SenderClass::Port, body));
    assert_eq!(got.rule_id, "suspicious.lookalike-link");
    assert_eq!(
        got.evidence.map(|e| e.text).as_deref(),
        Some("www.icbc-vip.cn")
    );
    // The brand's own domains are not lookalikes; a friend's new number alone
    // is not a scam.
    for (class, body) in [
        (
            SenderClass::Port,
            "【中国移动】积分兑换请登录 http://jf.10086.cn 查看",
        ),
        (SenderClass::Mobile, "Hey, this is my new number, save it"),
    ] {
        assert_ne!(
            c.classify(&incoming(class, body)).kind,
            MessageKind::Suspicious,
            "{body}"
        );
    }
}

#[test]
fn notices_stay_notices() {
    let c = Classifier::builtin();
    for (class, body) in [
        // India: refunds and credits are notices; the regulator's advice is
        // not marketing.
        (
            SenderClass::Alphanumeric,
            "Refund of Rs 499.00 for order 1234 has been credited to your account. Offer ends soon",
        ),
        (
            SenderClass::Alphanumeric,
            "To report unsolicited commercial messages, complain on 1909. Get 20% off now",
        ),
        // A notice's footer opt-out does not make it a campaign.
        (
            SenderClass::Port,
            "【携程网】您的订单1077568085已出票，回复0000可屏蔽",
        ),
        // A balance notice with a promotional tail.
        (
            SenderClass::Port,
            "尊敬的客户：截至5日，您套餐内短信已使用130条，剩余20条。更多优惠活动详询10086",
        ),
    ] {
        assert_eq!(
            c.classify(&incoming(class, body)).kind,
            MessageKind::Transactional,
            "{body}"
        );
    }
    let got = c.classify(&incoming(
        SenderClass::Port,
        "【携程网】您的订单1077568085已出票，回复0000可屏蔽",
    ));
    assert_eq!(
        got.instruction.map(|i| i.keyword).as_deref(),
        Some("0000"),
        "a notice keeps its stated opt-out"
    );
}

#[test]
fn engagement_and_price_ads_are_marketing() {
    let c = Classifier::builtin();
    for body in [
        "Who wins tonight? 1) India 2) Australia ^1/2 Reply within 24 hrs to get a video clip.",
        "Love cricket? ^Yes/No All your replies to Blyk on Aircel are free.",
        "2/3 BHK flats @ 29 lac onwards near metro. For booking sms HOME to 56677",
        "Recharge karein Rs34 se aur paayein 340 Local SMS. Validity 30 din",
    ] {
        assert_eq!(
            c.classify(&incoming(SenderClass::Other, body)).kind,
            MessageKind::Marketing,
            "{body}"
        );
    }
    for body in [
        "楼盘开盘，88-120平精装洋房，均价8000元，销售中心：8934666",
        "名师一对一辅导，暑期开课，免费试听，报名热线13800000000",
    ] {
        assert_eq!(
            c.classify(&incoming(SenderClass::Port, body)).kind,
            MessageKind::Marketing,
            "{body}"
        );
    }
}

#[test]
fn evidence_names_the_span_that_fired() {
    let c = Classifier::builtin();
    for body in [
        "【京东】全场５折，回ＴＤ退订",
        "【京东】限时秒杀，退订回T",
        "验证码123456",
    ] {
        let got = c.classify(&incoming(SenderClass::Port, body));
        let ev = got
            .evidence
            .unwrap_or_else(|| panic!("{body}: no evidence"));
        assert_eq!(body.get(ev.span.clone()), Some(ev.text.as_str()), "{body}");
        assert!(!ev.text.is_empty(), "{body}");
    }
}

#[test]
fn notice_facts_and_ad_signals_of_round_3() {
    let c = Classifier::builtin();
    let kind = |class, body| c.classify(&incoming(class, body)).kind;
    // Notices: a purchase made through another app, a card named by its
    // tail ("尾号为"), a service paused, a driver on the way, a reply to
    // what the reader sent. Each carries promotion words too.
    for body in [
        "尊敬的客户，您已从某某商城成功购买20元流量包，24小时内生效。详询10010",
        "尊敬的客户：您名下尾号为1234的信用卡额度已调整，如有疑问请咨询客服热线，谢谢",
        "系统升级期间将暂停办理会员积分兑换业务，给您带来不便敬请谅解",
        "您好，您预约的车辆已出发，司机电话13800000000，车牌号京A12345，请准备出行",
        "您查询的积分余额为200分，更多活动请关注公众号",
        "【某旅行】【回复0000可屏蔽】确认：5/1某某酒店1间大床房(会员价)，请准时入住",
    ] {
        assert_eq!(
            kind(SenderClass::Port, body),
            MessageKind::Transactional,
            "{body}"
        );
    }
    // A price per unit or a price word before an amount is an offer's
    // price, not a charge: these ads are not notices.
    for body in [
        "新品上市，仅99.00元，全场包邮，详询4001234567",
        "畅聊包资费为 10.00 元/月，限时特惠，回复Y立即订购",
    ] {
        assert_eq!(
            kind(SenderClass::Port, body),
            MessageKind::Marketing,
            "{body}"
        );
    }
    // English ads without a "call" before the number, premium services.
    for body in [
        "Spacious 3 BHK apartments near the expressway, easy loan available. Rahul 9876543210",
        "Cricket scores live! Dial 55555 now, Rs 3/min",
    ] {
        assert_eq!(
            kind(SenderClass::Other, body),
            MessageKind::Marketing,
            "{body}"
        );
    }
    // Two weak hints from a 106 port without a 【签名】 and without a way to
    // answer are not a campaign; signed, or with a number to call, they are.
    let hints = "本周末社区举行免费义诊活动";
    assert_ne!(kind(SenderClass::Port, hints), MessageKind::Marketing);
    assert_eq!(
        kind(SenderClass::Port, "【某某药房】本周末社区举行免费义诊活动"),
        MessageKind::Marketing
    );
    assert_eq!(
        kind(
            SenderClass::Port,
            "本周末社区举行免费义诊活动，拨打1234567预约"
        ),
        MessageKind::Marketing
    );
    // A code is not a phone number; a friend's number in English is not an
    // advertiser's (the Chinese hotline rules do not read it).
    assert_ne!(
        kind(SenderClass::Port, "您的留言查询码为：3110434，请妥善保存"),
        MessageKind::Marketing
    );
    assert_ne!(
        kind(
            SenderClass::Other,
            "If you get any problem just give me a miss call on 09334703425"
        ),
        MessageKind::Marketing
    );
}

#[test]
fn notice_facts_and_ad_signals_of_round_4() {
    let c = Classifier::builtin();
    let classify = |class, body| c.classify(&incoming(class, body));
    let kind = |class, body| classify(class, body).kind;
    // A clause ends at a comma however it was typed: the full-width ，
    // is folded to "," before the rules read the text, so "买家电，送货"
    // is not "买…送" (buy one, get one free) and the driver's call is read.
    let delivery = "您好，我是某某家电配送，今日配送之前您在某某商场购买家电，送货司机联系张师18000000000，司机会提前1小时与您联系！";
    assert_eq!(
        kind(SenderClass::Port, delivery),
        MessageKind::Transactional
    );
    // The state of the reader's account or service, with promotion around it.
    for body in [
        "尊敬的客户，您的五星级服务于2014年6月底进入下降缓冲期，届时将继续享受资费优惠，敬请关注。【某某银行】",
        "尊敬的用户，您本月抢购的5元800M流量剩余较多，不用可惜了，登录 http://example.mobi/flow 查询",
        "【某点评】温馨提示：09月08日 19:00 某某酒屋恭候您来就餐！若临时改变心意，请直接回复 1 取消预订，谢谢！",
        "【某点评】某某餐厅：代金券1张：1586188470,9-12至12-31有效",
    ] {
        assert_eq!(
            kind(SenderClass::Port, body),
            MessageKind::Transactional,
            "{body}"
        );
    }
    // A credit limit raised or expiring is how loan ads open: not a notice.
    for body in [
        "【某某借】恭喜！您的专属额度已提升至300,000元，随借随还，回T退订",
        "【某某借】提醒：您的额度将于3月15日到期，今日借款享7天免息，回T退订",
    ] {
        assert_eq!(
            kind(SenderClass::Port, body),
            MessageKind::Marketing,
            "{body}"
        );
    }
    // A stated opt-out beside a hard fact of a notice (a confirmation) is
    // the notice's footer, not promotion: it stays transactional and keeps
    // the keyword.
    let booking = classify(
        SenderClass::Port,
        "【某旅行】【回复0000可屏蔽】确认：7/31某某酒店1间标准单人房(会员特惠)1天，￥168/天，如有问题请联系10106666。请点击http://m.example.com 下载客户端",
    );
    assert_eq!(booking.kind, MessageKind::Transactional);
    assert_eq!(
        booking.instruction.map(|i| i.keyword).as_deref(),
        Some("0000")
    );
    // English statements: an amount after Amt, a balance, a masked account.
    for body in [
        "Acct: ******1594Amt: NGN150.00 CrDesc: TRANSFER BETWEEN CUSTOMERS Transfer from : 08134703563 from A B to C D",
        "Ref: 442701583 06/08 15:35:15 Bonus: Dial*559*1# Amt: N300.00 Prev bal: N19.16 Bal: N319.16 Visit: http://vtm.example.com/",
    ] {
        assert_eq!(
            kind(SenderClass::Alphanumeric, body),
            MessageKind::Transactional,
            "{body}"
        );
    }
    // A reference number alone is not a statement: delivery scams quote one.
    assert_ne!(
        kind(
            SenderClass::Other,
            "Customer service announcement. We recently tried to make a delivery to you but were unable to do so, please call 07090298926 to re-schedule. Ref:9307622"
        ),
        MessageKind::Transactional
    );
    // "from : 0803…" is not "m : 0803…", and a colon in English text is not
    // a Chinese hotline's.
    let e = classify(
        SenderClass::Alphanumeric,
        "Goal: To Create Employable Graduates. Where: Peak Suites, Time: Sundays 4pm(Whatsapp: 08155414284)",
    );
    assert_ne!(e.kind, MessageKind::Marketing, "{}", e.rule_id);
    // Two hints in an unsigned text from a port: a headline is not a
    // campaign, but a full message that speaks to its reader, or that names
    // a place to come to, is (the number may be masked or left out).
    assert_ne!(
        kind(
            SenderClass::Port,
            "某某区全民健身运动会健身操巡演活动盛大举行"
        ),
        MessageKind::Marketing
    );
    for body in [
        "家长，您好。祝孩子新学期有新进步！某某培训学校新学期开设初中学科，小班授课，均为在校老师上课，现已开始报名",
        "某某美容院回馈新老顾客，三八节期间到店即送面膜一盒，另有多项护理可选，地址：人民路xx号",
        "三八节感恩大回馈 活动时间三月七号到九号 进店购满两百元送电吹风一台，另有多款好礼等着大家来挑选",
    ] {
        assert_eq!(
            kind(SenderClass::Port, body),
            MessageKind::Marketing,
            "{body}"
        );
    }
    // A way to answer weighs nothing alone.
    assert_ne!(
        kind(
            SenderClass::Port,
            "请到营业厅办理，地址：人民路10号，电话联系"
        ),
        MessageKind::Marketing
    );
}

#[test]
fn notice_facts_of_round_5() {
    let c = Classifier::builtin();
    let classify = |body| c.classify(&incoming(SenderClass::Port, body));
    // Each family of facts, in texts that also carry promotion words, a
    // hotline or a link: the notice's fact wins.
    for (body, rule) in [
        // The state of an order or booking the reader made.
        (
            "【某打车】您的用车订单已被司机取消，如有异议请联系客服400-000-0000",
            "zh.txn.order",
        ),
        (
            "【某商旅】您通过手机客户端预订的机票支付未成功，请重新下单，详询4000000000",
            "zh.txn.order",
        ),
        (
            "【某点评】恭喜订座成功！10月02日 18:30 某某餐厅，4人，包间，若需使用团购券请与商户确认",
            "zh.txn.order",
        ),
        (
            "【某某】您已成功参与首映活动！凭影票至卖品部领取免费爆米花一份",
            "zh.txn.order",
        ),
        // What the reader owes or holds.
        (
            "余额提醒：您的话费余额已不足8元，请及时充值，更有超值折扣优惠 www.example.cn",
            "zh.txn.bill",
        ),
        (
            "交费提醒：截至8月底，您应交纳话费为52.3元，登录官网交费更有折扣优惠",
            "zh.txn.bill",
        ),
        (
            "您好，您的信用卡本期新增12分，本期兑换0分，目前的可用积分3020分。微信查积分 t.cn/abcdef",
            "zh.txn.bill",
        ),
        // A security notice about the reader's own account.
        (
            "温馨提示：您的号码13900000000于06月01日08时08分登录网上营业厅，如不是本人操作请及时修改密码。流量不够？5元包30MB，点击 http://example.cn/p",
            "zh.txn.security",
        ),
        (
            "【某医生】重置密码：http://example.me/reset/abc123 有疑问请联系客服 400-000-0000",
            "zh.txn.security",
        ),
        // A call or a message that reached the reader.
        (
            "语音信箱提醒您：某地的13800000000在10月01日12时00分给您来电并留言，拨打 1250000000 免费收听",
            "zh.txn.traffic",
        ),
        (
            "【某职】有招聘负责人给您发了消息，请及时打开应用回复。http://t.cn/abcdef",
            "zh.txn.traffic",
        ),
        // The state of a line or plan the reader has.
        (
            "尊敬的亲情通用户您好，手机(13900000000)已关机。客服热线:12500000",
            "zh.txn.service-state",
        ),
    ] {
        let got = classify(body);
        assert_eq!(
            (got.kind, got.rule_id.as_str()),
            (MessageKind::Transactional, rule),
            "{body}"
        );
    }
    // "如非本人操作" alone is no security notice: phishing that asks the
    // reader to log in at a link opens the same way.
    let phishing = c.classify(&incoming(
        SenderClass::Other,
        "尊敬的用户您的网银当前在非常用地区登陆如非本人操作请立即登陆我行网站 http://example.cn 进行网银密码器升级",
    ));
    assert_ne!(
        phishing.kind,
        MessageKind::Transactional,
        "{}",
        phishing.rule_id
    );
    // A notice of a message to the reader keeps the opt-out it states.
    let chat = classify(
        "【某职】张三(某公司经理)在“某职”上发消息给您。如需回复请打开应用。http://t.cn/abcdef 回复N退订",
    );
    assert_eq!(chat.kind, MessageKind::Transactional);
    assert_eq!(chat.instruction.map(|i| i.keyword).as_deref(), Some("N"));
    // Advertisements with the same words are not notices: a salesman who
    // called, a bill offered in instalments, points to spend.
    for body in [
        "先生您好！我是刚刚给您来电的某某地产小张，某某湖景公寓火热认筹中，欢迎品鉴，售楼热线 0510-00000000",
        "【分期即送799积分】您本期账单已出，邀您体验分期还款，10月10日前成功办理即可获赠积分，点击 t.cn/abcdef 查阅活动详情！",
        "积分为您购物来买单！立即回复JF1001可用3400积分超值兑换50元超市电子券一张",
    ] {
        assert_eq!(classify(body).kind, MessageKind::Marketing, "{body}");
    }
}
