//! Lookalike links: a brand's name inside a domain that is not the brand's
//! (`icbc-vip.top`, `10086xx.com`, `appleid-verify.com`,
//! `icbc.com.cn.login.top`). Phishing borrows a brand's name for its
//! domain; the brand's own domains, and their subdomains, are not lookalikes.

use std::ops::Range;

/// A brand's name as it appears in domains, and the domains it owns.
const BRANDS: &[(&str, &[&str])] = &[
    ("icbc", &["icbc.com.cn", "icbc.com", "icbc-axa.com"]),
    ("ccb", &["ccb.com", "ccb.cn"]),
    ("abchina", &["abchina.com"]),
    ("boc", &["boc.cn", "bankofchina.com"]),
    ("bankofchina", &["bankofchina.com"]),
    ("bankcomm", &["bankcomm.com"]),
    ("cmbchina", &["cmbchina.com"]),
    ("psbc", &["psbc.com"]),
    ("spdb", &["spdb.com.cn"]),
    ("cebbank", &["cebbank.com"]),
    ("citicbank", &["citicbank.com"]),
    ("pingan", &["pingan.com", "pingan.com.cn", "pingan.cn"]),
    ("alipay", &["alipay.com", "alipay.cn"]),
    ("taobao", &["taobao.com"]),
    ("tmall", &["tmall.com", "tmall.hk"]),
    ("jd", &["jd.com", "jd.hk"]),
    ("ctrip", &["ctrip.com", "ctrip.cn"]),
    ("10086", &["10086.cn"]),
    ("10010", &["10010.com", "10010.cn"]),
    ("chinamobile", &["chinamobile.com"]),
    ("unicom", &["chinaunicom.com", "chinaunicom.cn"]),
    ("weixin", &["qq.com", "weixin.com"]),
    ("apple", &["apple.com", "apple.com.cn"]),
    ("appleid", &["apple.com"]),
    ("icloud", &["icloud.com"]),
    ("paypal", &["paypal.com", "paypal.me"]),
    (
        "amazon",
        &[
            "amazon.com",
            "amazon.in",
            "amazon.co.uk",
            "amazon.cn",
            "amazon.de",
        ],
    ),
    ("nokia", &["nokia.com"]),
    ("hdfc", &["hdfcbank.com", "hdfc.com", "hdfclife.com"]),
    (
        "icici",
        &["icicibank.com", "icicidirect.com", "icicilombard.com"],
    ),
    (
        "sbi",
        &["sbi.co.in", "onlinesbi.com", "onlinesbi.sbi", "sbicard.com"],
    ),
    ("paytm", &["paytm.com", "paytm.in"]),
    ("fastag", &["npci.org.in", "ihmcl.co.in"]),
];

/// The first domain in `body` that carries a brand's name and is not one of
/// the brand's own: its byte range.
pub(crate) fn find(body: &str) -> Option<Range<usize>> {
    hosts(body).find(|r| body.get(r.clone()).is_some_and(is_lookalike))
}

/// Host names: runs of ASCII letters, digits, dots and hyphens with a dot
/// and an alphabetic top-level label, not part of an e-mail address or a
/// link's path.
fn hosts(body: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = body.as_bytes();
    let host_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !host_byte(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && host_byte(bytes[i]) {
                i += 1;
            }
            let mut end = i;
            while end > start && matches!(bytes[end - 1], b'.' | b'-') {
                end -= 1;
            }
            let before = start.checked_sub(1).map(|k| bytes[k]);
            let after_scheme = start >= 3 && &bytes[start - 3..start] == b"://";
            let in_path_or_mail = matches!(before, Some(b'@' | b'/')) && !after_scheme;
            let run = &bytes[start..end];
            let tld_alpha = run
                .rsplit(|&b| b == b'.')
                .next()
                .is_some_and(|t| t.len() >= 2 && t.iter().all(u8::is_ascii_alphabetic));
            if !in_path_or_mail && run.contains(&b'.') && tld_alpha {
                return Some(start..end);
            }
        }
        None
    })
}

/// Second-level labels under which countries register names (`co.in`).
const SECOND_LEVEL: &[&str] = &["com", "co", "net", "org", "gov", "edu", "ac", "mobi"];

/// The label a domain is registered by: `nokia` in `music.nokia.co.in`.
fn registered_label(host: &str) -> &str {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let second_level = n >= 3 && SECOND_LEVEL.contains(&labels[n - 2]);
    let i = if second_level {
        n - 3
    } else {
        n.saturating_sub(2)
    };
    labels.get(i).copied().unwrap_or("")
}

fn is_lookalike(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let registered = registered_label(host);
    BRANDS.iter().any(|(token, own)| {
        // The brand's name registered under any suffix (apple.de,
        // nokia.co.in) is the brand's own.
        // The cheap test first; `host` ends with ".{d}" when stripping `d`
        // leaves a text ending in a dot (no string built per brand).
        host.split(['.', '-']).any(|piece| names(piece, token))
            && registered != *token
            && !own
                .iter()
                .any(|d| host == *d || host.strip_suffix(d).is_some_and(|rest| rest.ends_with('.')))
    })
}

/// Whether a label piece names the brand: it is the token, or starts with
/// it (`icbcbank`, `10086xx`; a digit token not followed by a digit).
fn names(piece: &str, token: &str) -> bool {
    let Some(rest) = piece.strip_prefix(token) else {
        return false;
    };
    let digits = token.bytes().all(|b| b.is_ascii_digit());
    match rest.bytes().next() {
        Some(b) if digits => !b.is_ascii_digit(),
        // Short names (jd, boc, ccb, sbi) only alone or before digits.
        Some(b) if token.len() <= 3 => b.is_ascii_digit(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn lookalikes_and_the_brands_own_domains() {
        for body in [
            "您的积分即将清零，请登录 http://10086-jf.top 兑换",
            "【工商银行】您的账户异常，请登录 www.icbc-vip.cn 验证",
            "Your Apple ID is locked: https://appleid-verify.com/x",
            "登录 icbc.com.cn.secure-login.top 认证",
            "诺基亚用户：请下载补丁 http://nokia-s60.com:88/update",
            "http://jd-fuli.cc/x 领取",
        ] {
            assert!(find(body).is_some(), "{body}");
        }
        for body in [
            "登录 http://jf.10086.cn 兑换",
            "请登录 www.icbc.com.cn 查询",
            "点击 https://support.apple.com/zh-cn",
            "回复至 10086@gd.chinamobile.com",
            "详见 http://t.cn/abc/icbc.html",
            "pineapple.com 新品",
            "chexian.taobao.com 报价",
            "Dr.Batras clinic",
            "http://music.nokia.co.in/x",
            "余额100.00元",
        ] {
            assert_eq!(find(body), None, "{body}");
        }
        let body = "请登录 www.icbc-vip.cn 验证";
        let span = find(body).unwrap();
        assert_eq!(body.get(span), Some("www.icbc-vip.cn"));
    }
}
