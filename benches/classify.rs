//! Classification throughput over a mixed inbox: `cargo bench --bench classify`.
//! The goal is about a million messages per second on one core.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use optout::classify::{Classifier, MessageFeatures, Region, SenderClass, normalize_sender};
use optout::import::Direction;

fn main() {
    divan::main();
}

/// A made-up inbox in the proportions of a real one: mostly people, then
/// marketing, codes and alerts, in Chinese and English.
const INBOX: &[(SenderClass, &str)] = &[
    (SenderClass::Mobile, "晚上一起吃饭吗？我六点下班"),
    (SenderClass::Mobile, "好的，明天见"),
    (SenderClass::Mobile, "妈，我到家了，别担心"),
    (SenderClass::Mobile, "回头你也退了吧，那个群太吵了"),
    (SenderClass::Mobile, "你那个快递到了吗？我的还没到"),
    (SenderClass::Mobile, "ok see you at 7, don't be late"),
    (
        SenderClass::Mobile,
        "Are you free tonight? Thinking of pizza",
    ),
    (SenderClass::Mobile, "Running 10 mins late, sorry!!"),
    (
        SenderClass::Mobile,
        "lol that was hilarious 😂 send me the video",
    ),
    (
        SenderClass::Mobile,
        "Can you pick up milk on the way home? Thanks x",
    ),
    (
        SenderClass::Mobile,
        "Happy birthday!! Have a great day 🎉🎂",
    ),
    (
        SenderClass::Mobile,
        "I'll text you when I'm there. Don't stop for me",
    ),
    (SenderClass::Mobile, "周末去爬山吗？天气预报说是晴天"),
    (SenderClass::Mobile, "收到，谢谢老师"),
    (
        SenderClass::Port,
        "【京东】618狂欢节全场5折起，爆款低至9.9元，戳 https://3.cn/x 回T退订",
    ),
    (
        SenderClass::Port,
        "【唯品会】你的专属50元无门槛券已到账，今晚12点失效，退订回TD",
    ),
    (
        SenderClass::Port,
        "【美团】外卖红包已到账，满30减15，回复ＴＤ退订",
    ),
    (
        SenderClass::Port,
        "【招商银行】尊敬的客户，您有一笔备用金额度待领取，查看利率回1，申请回2，回T退订",
    ),
    (
        SenderClass::Port,
        "【链家】xx花园新盘开盘，首付20万起，拒收请回复R",
    ),
    (
        SenderClass::Service,
        "【中国移动】流量包限时优惠，10元30G，回复KTLL办理，回复0000退订",
    ),
    (
        SenderClass::ShortCode,
        "Acme: 20% off all shoes this weekend only! Reply STOP to opt out",
    ),
    (
        SenderClass::ShortCode,
        "FREE entry in 2 a wkly comp to win FA Cup final tkts. Txt STOP to 80808 to end",
    ),
    (
        SenderClass::ShortCode,
        "Big Sale! Shop now at www.example.com. Msg&data rates may apply. STOP to cancel",
    ),
    (
        SenderClass::Alphanumeric,
        "Flash sale: buy one get one free on all pizzas today. Reply OFF to stop receiving notifications",
    ),
    (
        SenderClass::Port,
        "【淘宝】您的验证码是482910，5分钟内有效，请勿泄露",
    ),
    (
        SenderClass::Service,
        "您尾号1234的储蓄卡3月1日消费128.00元，余额2,000.00元【招商银行】",
    ),
    (
        SenderClass::Port,
        "【菜鸟驿站】您的包裹已到站，取件码3-2-1101，请及时领取",
    ),
    (
        SenderClass::Service,
        "【12306】您购买的3月3日G101次列车，检票口A5",
    ),
    (
        SenderClass::ShortCode,
        "G-482910 is your Google verification code.",
    ),
    (
        SenderClass::Alphanumeric,
        "Your package has been delivered to the front porch.",
    ),
    (
        SenderClass::Alphanumeric,
        "Chase: your account ending 1234 was debited $42.10 at STARBUCKS",
    ),
    (
        SenderClass::Alphanumeric,
        "Reminder: your appointment with Dr Lee is on Mon 3 Mar at 3pm",
    ),
    (
        SenderClass::ShortCode,
        "You have been unsubscribed from Acme Deals. No more msgs will be sent.",
    ),
    (SenderClass::Port, "【京东】您已成功退订营销短信"),
    (
        SenderClass::Mobile,
        "您的备用金额度50000已到账，点击 http://x.cn/a 领取",
    ),
    (
        SenderClass::Mobile,
        "Congratulations! You've won a $1000 gift card, claim at http://bit.ly/xyz",
    ),
    (
        SenderClass::Mobile,
        "【招商银行】您的账户存在异常，请联系客服",
    ),
    (SenderClass::Mobile, "下午的会改到三点了，记得带电脑"),
    (
        SenderClass::Mobile,
        "Where did you park? I'm at the bus stop",
    ),
    (
        SenderClass::Mobile,
        "Thanks for dinner, it was lovely. Let's do it again soon",
    ),
];

#[divan::bench]
fn classify_mixed_inbox(bencher: Bencher) {
    let classifier = Classifier::builtin();
    bencher
        .counter(ItemsCount::new(INBOX.len()))
        .bench_local(|| {
            for &(class, body) in INBOX {
                black_box(classifier.classify(&MessageFeatures {
                    from_contact: false,
                    direction: Direction::Incoming,
                    sender_class: class,
                    body: black_box(body),
                    hint: None,
                }));
            }
        });
}

#[divan::bench]
fn normalize_senders(bencher: Bencher) {
    let region = Region::default();
    let raw = [
        "+86 139 1234 5678",
        "13912345678",
        "106912345678",
        "+8695528",
        "80808",
        "AD-HDFCBK-S",
        "Amazon",
        "acme@rbm.goog",
    ];
    bencher.counter(ItemsCount::new(raw.len())).bench_local(|| {
        for r in raw {
            black_box(normalize_sender(black_box(r), &region));
        }
    });
}

#[divan::bench(sample_count = 10)]
fn compile_builtin_rules() -> Classifier {
    Classifier::builtin()
}
