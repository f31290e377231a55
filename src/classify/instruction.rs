//! The Chinese opt-out instruction grammar. An instruction is a refusal
//! (退订, 拒收, 屏蔽, 打扰 …), a sending verb (回, 回复, 发送, 编辑短信 …) with
//! the keyword after it, and optionally where to send it (至/到 N), in
//! either order:
//!
//! - verb-first: 回T退订, 回复0000可屏蔽, 请编辑短信TD发送至N退订, 打扰回N不发;
//! - refusal-first: 退订回D, 如需退订，请回复CKTD, 屏蔽此类信息请回复A,
//!   如需退订该提醒服务，请发送X至N;
//! - bare, the keyword written against the refusal: TD退订, 退订T.
//!
//! The body is read as a run of non-space characters, so spacing, and the
//! quotes and brackets people put around keywords, do not matter; bodies
//! arrive width-folded (Ｔ → T). Of several readings the tightest one wins
//! (fewest characters between keyword and refusal), so "回1查询，回TD退订"
//! is TD.

use std::ops::Range;

/// Refusal words, longest first.
const REFUSALS: &[&str] = &[
    "取消订阅",
    "取消定制",
    "不再接收",
    "不再发送",
    "不再收到",
    "退订",
    "退定",
    "退阅",
    "拒收",
    "屏蔽",
    "免打扰",
    "打扰",
    "不发",
];

/// Sending verbs, longest first.
const VERBS: &[&str] = &[
    "编辑短信",
    "编辑",
    "回复",
    "回覆",
    "发送",
    "输入",
    "回",
    "复",
    "发",
];

/// What a refusal-first reading may not have between refusal and verb, nor
/// right after the keyword: the keyword would do something else
/// ("退订成功，如需重新订购请回复KT", "退订请回T，回1查询").
const OTHER_PURPOSES: &[&str] = &[
    "订购",
    "开通",
    "办理",
    "重新",
    "恢复",
    "查询",
    "查看",
    "咨询",
    "详询",
    "了解",
    "参与",
    "领取",
    "获取",
    "申请",
    "确认",
    "预约",
    "报名",
    "参加",
    "购买",
    "加入",
    "成为",
    "设置",
    "定制",
    "继续",
    "抢",
    "成功",
    "需要",
    "感兴趣",
    "有意",
];

/// Openers a keyword may be wrapped in or introduced by.
const OPENERS: &str = "\"“”'‘’「『【[（(<《:：#＃";
const CLOSERS: &str = "\"“”'’」』】]）)>》";
/// Ends a clause: a refusal-first reading does not cross it.
const TERMINATORS: &str = "。！？!?；;\n";
const PUNCTUATION: &str = "，,。！？!?；;、/\n";

/// Capitals that are words, not keywords, when written bare against 退订.
const NOT_BARE_KEYWORDS: &[&str] = &["APP", "VIP", "WAP", "WEB", "QQ", "PC", "TV", "SMS"];

/// An instruction read from a body: what to send, the number named to send
/// it to (raw digits), and the byte range of the words that said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub keyword: String,
    pub target: Option<String>,
    pub span: Range<usize>,
}

/// The body's non-space characters with their byte offsets.
struct Text {
    chars: Vec<char>,
    at: Vec<usize>,
    len: usize,
}

impl Text {
    fn new(body: &str) -> Text {
        let mut chars = Vec::with_capacity(body.len() / 2);
        let mut at = Vec::with_capacity(body.len() / 2);
        for (i, c) in body.char_indices() {
            if !c.is_whitespace() || c == '\n' {
                chars.push(c);
                at.push(i);
            }
        }
        Text {
            chars,
            at,
            len: body.len(),
        }
    }

    fn get(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn word_at<'w>(&self, i: usize, words: &[&'w str]) -> Option<&'w str> {
        words.iter().copied().find(|w| {
            w.chars()
                .enumerate()
                .all(|(k, c)| self.get(i + k) == Some(c))
        })
    }

    fn contains_any(&self, range: Range<usize>, words: &[&str]) -> bool {
        range
            .into_iter()
            .any(|i| i < self.chars.len() && self.word_at(i, words).is_some())
    }

    fn byte(&self, i: usize) -> usize {
        self.at.get(i).copied().unwrap_or(self.len)
    }

    fn end_byte(&self, i: usize) -> usize {
        // `i` is exclusive: the end of char i-1.
        match i.checked_sub(1) {
            Some(last) => self.byte(last) + self.chars.get(last).map_or(0, |c| c.len_utf8()),
            None => 0,
        }
    }
}

fn alnum(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A refusal starting at `i`, unless it reports one already done (已退订,
/// 退订成功): its end.
fn refusal_at(t: &Text, i: usize) -> Option<usize> {
    let w = t.word_at(i, REFUSALS)?;
    let end = i + w.chars().count();
    let done_before = i > 0 && matches!(t.get(i - 1), Some('已' | '功'));
    let done_after = t.word_at(end, &["成功", "已"]).is_some();
    (!done_before && !done_after).then_some(end)
}

/// A keyword starting at `i` after a verb: openers, then 1–8 Latin letters
/// or digits (a leading @ kept: 回@5TD), ending at a boundary. Its range in
/// chars, and the position after its closers.
fn keyword_at(t: &Text, mut i: usize) -> Option<(Range<usize>, usize)> {
    while let Some(c) = t.get(i) {
        if OPENERS.contains(c) {
            i += 1;
        } else if t.word_at(i, &["数字", "字母", "短信", "内容"]).is_some() {
            i += 2;
        } else {
            break;
        }
    }
    let start = i;
    if t.get(i) == Some('@') {
        i += 1;
    }
    while alnum(t.get(i)) {
        i += 1;
    }
    let n = i - start;
    if n == 0 || n > 8 || !alnum(t.get(i - 1)) {
        return None;
    }
    let range = start..i;
    while t.get(i).is_some_and(|c| CLOSERS.contains(c)) {
        i += 1;
    }
    Some((range, i))
}

/// 至/到 and a number after a keyword (发送至10086): the digits and the
/// position after them.
fn target_at(t: &Text, mut i: usize) -> Option<(String, usize)> {
    if let Some(w) = t.word_at(i, &["发送", "发", "短信"]) {
        i += w.chars().count();
    }
    if !matches!(t.get(i), Some('至' | '到')) {
        return None;
    }
    i += 1;
    let start = i;
    while t.get(i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    let digits: String = t.chars[start..i].iter().collect();
    (5..=20).contains(&digits.len()).then_some((digits, i))
}

/// A bare keyword: 1–4 capitals, not a word such as APP.
fn bare_keyword(t: &Text, range: &Range<usize>) -> bool {
    let word: String = t.chars[range.clone()].iter().collect();
    (1..=4).contains(&range.len())
        && word.chars().all(|c| c.is_ascii_uppercase())
        && !NOT_BARE_KEYWORDS.contains(&word.as_str())
}

/// Verbs whose object is the refusal itself (发送TD办理退订, 回N申请退订).
const REFUSAL_VERBS: &[&str] = &["办理", "申请", "进行"];

/// Whether the characters before a verb-first refusal are few and only
/// particles (即可, 可, 进行): ≤ 3, no punctuation, no Latin, no purpose
/// (a verb taking the refusal as its object is not another purpose).
fn particle_gap(t: &Text, mut range: Range<usize>) -> bool {
    if range.len() >= 2 && t.word_at(range.end - 2, REFUSAL_VERBS).is_some() {
        range.end -= 2;
    }
    range.len() <= 3
        && range.clone().all(|k| {
            t.get(k)
                .is_some_and(|c| !PUNCTUATION.contains(c) && !c.is_ascii_alphanumeric())
        })
        && !t.contains_any(range, OTHER_PURPOSES)
}

struct Reading {
    gap: usize,
    keyword: Range<usize>,
    target: Option<String>,
    span: Range<usize>,
}

/// The Chinese opt-out instruction in `body`, if it states one.
pub(crate) fn find_zh(body: &str) -> Option<Found> {
    if !["退", "拒收", "屏蔽", "打扰", "不再", "不发", "取消"]
        .iter()
        .any(|w| body.contains(w))
    {
        return None;
    }
    let t = Text::new(body);
    let mut best: Option<Reading> = None;
    let mut offer = |r: Reading| {
        if best
            .as_ref()
            .is_none_or(|b| (r.gap, r.span.start) < (b.gap, b.span.start))
        {
            best = Some(r);
        }
    };
    for i in 0..t.chars.len() {
        // Verb-first: 回T退订, 编辑TD发送至N退订.
        if let Some(v) = t.word_at(i, VERBS)
            && let Some((kw, after)) = keyword_at(&t, i + v.chars().count())
        {
            let (target, after) = match target_at(&t, after) {
                Some((digits, end)) => (Some(digits), end),
                None => (None, after),
            };
            for gap_end in after..=(after + 5).min(t.chars.len()) {
                if let Some(end) = verb_first_refusal(&t, gap_end, &kw)
                    && particle_gap(&t, after..gap_end)
                {
                    offer(Reading {
                        gap: gap_end - after,
                        keyword: kw.clone(),
                        target: target.clone(),
                        span: i..end,
                    });
                    break;
                }
            }
        }
        let Some(r_end) = refusal_at(&t, i) else {
            continue;
        };
        // Refusal-first: 退订回D, 如需退订，请回复CKTD.
        let mut k = r_end;
        while k < t.chars.len() && k - r_end <= 12 {
            let Some(c) = t.get(k) else { break };
            if TERMINATORS.contains(c) || c.is_ascii_alphanumeric() {
                break;
            }
            if let Some(v) = t.word_at(k, VERBS)
                && let Some((kw, after)) = keyword_at(&t, k + v.chars().count())
            {
                let (target, end) = match target_at(&t, after) {
                    Some((digits, end)) => (Some(digits), end),
                    None => (None, after),
                };
                let purpose_after = t.contains_any(end..end + 1, OTHER_PURPOSES);
                if !purpose_after && !t.contains_any(r_end..k, OTHER_PURPOSES) {
                    offer(Reading {
                        gap: k - r_end,
                        keyword: kw,
                        target,
                        span: i..end,
                    });
                }
                break;
            }
            k += 1;
        }
        // Bare: 退订T.
        let mut e = r_end;
        while t.get(e).is_some_and(|c| c.is_ascii_alphanumeric()) {
            e += 1;
        }
        if bare_keyword(&t, &(r_end..e)) {
            offer(Reading {
                gap: 2,
                keyword: r_end..e,
                target: None,
                span: i..e,
            });
        }
        // Bare: TD退订.
        let mut s = i;
        while s > 0 && t.get(s - 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
            s -= 1;
        }
        let verb_before = (1..=4).any(|n| {
            s >= n
                && VERBS
                    .iter()
                    .any(|v| v.chars().count() == n && t.word_at(s - n, &[v]).is_some())
        });
        if s < i && !verb_before && bare_keyword(&t, &(s..i)) {
            offer(Reading {
                gap: 2,
                keyword: s..i,
                target: None,
                span: s..r_end,
            });
        }
    }
    let r = best?;
    Some(Found {
        keyword: t.chars[r.keyword].iter().collect::<String>().to_uppercase(),
        target: r.target,
        span: t.byte(r.span.start)..t.end_byte(r.span.end),
    })
}

/// A refusal that may close a verb-first reading at `i`: any refusal word,
/// or 退 / 取消 alone right after the keyword (回复T退, 回复N取消) when they
/// are not part of another word (退出, 退货, 取消订单).
fn verb_first_refusal(t: &Text, i: usize, kw: &Range<usize>) -> Option<usize> {
    if let Some(end) = refusal_at(t, i) {
        return Some(end);
    }
    if i != kw.end && !t.get(i - 1).is_some_and(|c| CLOSERS.contains(c)) {
        return None;
    }
    match t.get(i) {
        Some('退') => {
            let next = t.get(i + 1);
            let other_word = next.is_some_and(|c| "出货款费还换回休学房票役伍租款".contains(c));
            (!other_word).then_some(i + 1)
        }
        Some('取') if t.get(i + 1) == Some('消') => {
            let next = t.get(i + 2);
            let ends = next.is_none_or(|c| PUNCTUATION.contains(c) || "】]）)".contains(c));
            let of_messages = t
                .word_at(i + 2, &["接收", "推送", "提醒", "服务"])
                .is_some();
            (ends || of_messages).then_some(i + 2)
        }
        _ => None,
    }
}
