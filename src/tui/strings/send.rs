//! The words of sending from the interface (`s`, `S`, the progress view,
//! the phone links' errors), in English and Simplified Chinese.

use std::fmt::Write;

use crate::send::DriverError;

/// The words of the sends and their progress view.
#[derive(Debug)]
pub struct SendStrings {
    /// The view's title: through which phone link (`None`: not chosen yet).
    pub title: fn(Option<&str>) -> String,
    /// Its title when nothing could be sent.
    pub title_not_sent: &'static str,
    /// The states of a row.
    pub waiting: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    pub failed: &'static str,
    pub not_sent: &'static str,
    pub duplicate: &'static str,
    /// (sent, planned, failed, not sent)
    pub count: fn(usize, usize, usize, usize) -> String,
    /// Waiting this many seconds before the next message.
    pub pausing: fn(u64) -> String,
    pub stopping: &'static str,
    /// How to stop, while it runs.
    pub how_to_stop: &'static str,
    /// How to close, once done.
    pub how_to_close: &'static str,
    /// The last line: (sent, failed, not sent, driver).
    pub summary: fn(usize, usize, usize, &str) -> String,
    /// A sent row in the log: (what, send id).
    pub step_sent: fn(&str, i64) -> String,
    pub no_phone_link: &'static str,
    pub in_memory: &'static str,
    pub demo: &'static str,
    /// A send's opt-out in the detail: (driver).
    pub sent_via: fn(&str) -> String,
    /// A phone link's failure, in words.
    pub driver_error: fn(&DriverError) -> String,
    pub hints: &'static [(&'static str, &'static str)],
}

pub const EN: SendStrings = SendStrings {
    title: |d| match d {
        Some(d) => format!("Sending the opt-outs via {d}"),
        None => "Sending the opt-outs: finding the phone link…".into(),
    },
    title_not_sent: "Sending the opt-outs",
    waiting: "waiting",
    sending: "sending…",
    sent: "sent",
    failed: "FAILED",
    not_sent: "not sent",
    duplicate: "skipped (same as above)",
    count: |sent, n, failed, not_sent| {
        let mut line = format!("{sent} of {n} sent");
        if failed > 0 {
            let _ = write!(line, " · {failed} failed");
        }
        if not_sent > 0 {
            let _ = write!(line, " · {not_sent} not sent");
        }
        line.push_str(" · one message at a time");
        line
    },
    pausing: |secs| format!("waiting {secs} s before the next message"),
    stopping: "Stopping after the current send; what was sent stays recorded.",
    how_to_stop: "Esc: stop after the current send (what was sent stays recorded)",
    how_to_close: "Enter or Esc: close",
    summary: |sent, failed, not_sent, driver| {
        let mut line = format!("{sent} sent via {driver}, awaiting confirmation");
        if failed > 0 {
            let _ = write!(line, "; {failed} failed");
        }
        if not_sent > 0 {
            let _ = write!(line, "; {not_sent} not sent");
        }
        line.push('.');
        line
    },
    step_sent: |what, id| format!("sent {what} (send #{id})"),
    no_phone_link: "no phone link found (kdeconnect, termux, messages): press y to copy it and send it by hand",
    in_memory: "this database is in memory: nothing is sent from it",
    demo: "The demo's senders are made up: nothing is sent from the demo (y copies the text).",
    sent_via: |d| format!("sent via {d}, awaiting confirmation"),
    driver_error: |e| e.to_string(),
    hints: &[("Esc", "stop / close")],
};

pub const ZH: SendStrings = SendStrings {
    title: |d| match d {
        Some(d) => format!("正在通过 {d} 发送退订"),
        None => "正在发送退订：查找手机连接…".into(),
    },
    title_not_sent: "发送退订",
    waiting: "等待",
    sending: "发送中…",
    sent: "已发送",
    failed: "失败",
    not_sent: "未发送",
    duplicate: "跳过（与上面相同）",
    count: |sent, n, failed, not_sent| {
        let mut line = format!("已发送 {sent}/{n}");
        if failed > 0 {
            let _ = write!(line, " · 失败 {failed}");
        }
        if not_sent > 0 {
            let _ = write!(line, " · 未发送 {not_sent}");
        }
        line.push_str(" · 一次一条");
        line
    },
    pausing: |secs| format!("等待 {secs} 秒后发送下一条"),
    stopping: "当前这条发完后停止；已发送的都有记录。",
    how_to_stop: "Esc：当前这条发完后停止（已发送的都有记录）",
    how_to_close: "回车或 Esc：关闭",
    summary: |sent, failed, not_sent, driver| {
        let mut line = format!("已通过 {driver} 发送 {sent} 条，等待确认");
        if failed > 0 {
            let _ = write!(line, "；{failed} 条失败");
        }
        if not_sent > 0 {
            let _ = write!(line, "；{not_sent} 条未发送");
        }
        line.push('。');
        line
    },
    step_sent: |what, id| format!("已发送 {what}（发送 #{id}）"),
    no_phone_link: "没有找到手机连接（kdeconnect、termux、messages）：按 y 复制后手动发送",
    in_memory: "此数据库在内存中：不从这里发送",
    demo: "演示中的发送方是虚构的：演示中不发送任何短信（y 可复制内容）。",
    sent_via: |d| format!("已通过 {d} 发送，等待确认"),
    driver_error: zh_driver_error,
    hints: &[("Esc", "停止 / 关闭")],
};

fn zh_driver_error(e: &DriverError) -> String {
    match e {
        DriverError::NotInstalled { program } => format!("{program} 未安装（不在 PATH 中）"),
        DriverError::CouldNotRun { program, cause } => format!("无法运行 {program}：{cause}"),
        DriverError::CouldNotWait { program, cause } => format!("无法等待 {program} 结束：{cause}"),
        DriverError::Exited {
            program,
            status,
            said,
        } => {
            let status = status.map_or_else(|| "被信号终止".to_string(), |c| format!("状态 {c}"));
            match said {
                Some(said) => format!("{program} 失败（退出{status}）：{said}"),
                None => format!("{program} 失败（退出{status}）"),
            }
        }
        DriverError::TimedOut { program, secs } => format!(
            "{program} 在 {secs} 秒内没有结束，已被停止：再次发送前请在手机上查看短信是否已发出"
        ),
        DriverError::NoDevice => {
            "kdeconnect：没有可用的设备：请在 KDE Connect 中配对手机并保持连接".into()
        }
        DriverError::SeveralDevices(ids) => format!(
            "kdeconnect：有多台可用设备，请用 optout send --device ID 选择一台：{}",
            ids.join("、")
        ),
        DriverError::DeviceNotAvailable { wanted, available } => format!(
            "kdeconnect：设备 '{wanted}' 不可用；可用的有：{}",
            available.join("、")
        ),
        DriverError::NotConfirmed => "adb：手机上没有发送（用户未确认）".into(),
        DriverError::UnknownDriver(name) => format!("没有名为 '{name}' 的发送方式"),
        // Free text from elsewhere stays as it is.
        DriverError::Other(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_driver_error_has_chinese_words() {
        let errors = [
            DriverError::NotInstalled {
                program: "kdeconnect-cli",
            },
            DriverError::Exited {
                program: "termux-sms-send",
                status: Some(3),
                said: Some("stub: the phone refused".into()),
            },
            DriverError::TimedOut {
                program: "kdeconnect-cli",
                secs: 60,
            },
            DriverError::NoDevice,
            DriverError::SeveralDevices(vec!["a".into(), "b".into()]),
        ];
        for e in &errors {
            let zh = (ZH.driver_error)(e);
            assert_ne!(zh, e.to_string(), "{e}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
        assert_eq!(
            (ZH.driver_error)(&errors[1]),
            "termux-sms-send 失败（退出状态 3）：stub: the phone refused"
        );
        assert_eq!(
            (EN.driver_error)(&errors[1]),
            "termux-sms-send failed (exit status 3): stub: the phone refused"
        );
    }
}
