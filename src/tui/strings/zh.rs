//! The Simplified Chinese text of the interface.

use super::{OffendersStrings, Strings, grouped};
use crate::tui::app::{Group, Slow};

pub static ZH: Strings = Strings {
    is_zh: true,
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
        ("u", "如何退订"),
        ("e", "导出"),
        ("a", "待办/全部"),
        ("/", "搜索"),
        ("f", "筛选"),
        ("s", "排序"),
        ("m", "手动记录"),
        ("i", "忽略"),
        ("U", "撤销"),
        ("b", "按品牌"),
        ("I", "导入"),
        ("L", "日志"),
    ],
    hints_timeline: &[
        ("?", "帮助"),
        ("q", "退出"),
        ("Esc", "返回"),
        ("↑↓", "移动"),
        ("PgUp/PgDn", "翻页"),
        ("g/G", "首条/末条"),
        ("r", "规则"),
        ("w", "依据"),
        ("u", "如何退订"),
        ("e", "导出"),
        ("m", "手动记录"),
    ],
    hints_overview: &[
        ("?", "帮助"),
        ("q", "退出"),
        ("Esc", "返回"),
        ("↑↓", "选择"),
        ("⏎", "时间线"),
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
    hints_overlay: &[("Esc", "关闭"), ("↑↓", "滚动")],
    help_title: "按键",
    help: &[
        ("j k ↑ ↓", "移动"),
        ("PgUp PgDn", "上一页 / 下一页"),
        ("g G", "第一条 / 最后一条"),
        ("Enter", "打开所选发送方的时间线"),
        ("Tab ⇧Tab", "下一个 / 上一个页面"),
        ("1 2 3 o", "发送方、时间线、概览"),
        ("O", "跨号码重复违规者"),
        ("Esc", "关闭；返回；清除搜索（不会退出）"),
        ("a", "待办视图（下一步做什么）/ 全部发送方"),
        ("/", "搜索号码、品牌和短信内容"),
        (
            "f",
            "筛选：待办、全部、含个人和通知、营销、未退订、违规、可疑、已忽略",
        ),
        ("s", "排序：最近、状态、营销数、退订后、品牌、号码"),
        ("b", "按品牌分组"),
        ("u", "退订该发什么（在其中按 s：立即发送）"),
        ("y", "复制退订词和号码到剪贴板"),
        ("S", "确认后用你的手机发送列表中所有退订"),
        ("m", "记录在别处完成的退订（电话、App、另一部手机）"),
        ("M", "手动退订记录列表：按 d 删除一条（需按 y 确认）"),
        ("i", "忽略 / 取消忽略，需按 y 确认（分组时作用于品牌）"),
        ("U", "撤销上一次忽略、取消忽略、手动退订或删除"),
        ("L", "消息日志：本次的全部消息全文"),
        ("e", "导出证据"),
        ("I", "导入短信备份文件"),
        ("r", "显示每条短信的分类规则"),
        ("R", "从数据库重新载入（其他 optout 写入后也会自动载入）"),
        ("w", "分类依据：选中发送方或短信的类别、规则和命中的文字"),
        ("鼠标", "滚轮滚动；单击选中；再次单击打开"),
        ("?", "本帮助"),
        ("q Ctrl-C", "退出"),
    ],
    help_statuses_title: "各状态的含义",
    help_statuses: &[
        ("✗ 违规", "退订并过了宽限期后仍发营销"),
        ("● 未退订", "营销短信，你还没有退订"),
        ("✓ 已退订", "你已发送退订（或用 m 记录）"),
        ("✓✓ 已确认", "对方确认了你的退订"),
        ("↺ 重新订阅", "退订后你又重新订阅"),
        ("! 可疑", "疑似诈骗：不要回复，举报"),
        ("· 无", "不是营销（个人、通知）"),
        ("– 已忽略", "你选择忽略：不会被标记"),
        ("宽限期内", "退订后宽限期内收到的营销：还不算违规"),
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
    filter_names: [
        "待办",
        "全部",
        "含个人和通知",
        "营销",
        "未退订",
        "违规",
        "可疑",
        "已忽略",
    ],
    sort_names: ["最近收到", "状态", "营销数", "退订后条数", "品牌", "号码"],

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
    col_after: "退订后",
    group_heading: |g, n| match g {
        Group::Violating => {
            format!("▸ 违规（{n}）：退订后仍发营销 · 下一步：导出证据（e），投诉举报")
        }
        Group::Send => format!("▸ 未退订（{n}）· 下一步：发送退订（u 查看发什么）"),
        Group::Suspicious => format!("▸ 可疑（{n}）：疑似诈骗 · 下一步：不要回复，举报（u）"),
    },
    first_run: "从这里开始：↑↓ 选择发送方，u 查看退订方法，e 导出证据；a 显示全部，? 查看说明。",
    database: "数据库",
    demo_database: "演示：临时示例数据，不会保存",
    no_senders: "没有匹配的发送方。按 f 更换筛选，Esc 清除搜索，I 导入。",
    todo_empty: "没有待办：没有违规、待退订或可疑的发送方。按 a 查看全部发送方。",
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
    reason_title: "分类依据",
    reason_kind: "类别",
    reason_words: "命中文字",
    reason_no_words: "（无命中文字：由发送方类型或默认规则决定）",
    reason_none: "请先选中一个发送方，或时间线中的一条短信。",
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
    advice_copy_send: "y：复制   s：现在用你的手机发送",
    copy_suspicious: "疑似诈骗：不要回复，请举报（optout report）。",
    copy_nothing: "它没有写明退订词：没有可复制的内容。",
    send_refused: |why| format!("不发送：{why}"),
    send_now_question: |what| {
        format!("现在从你的手机发送 {what}？（依次尝试 kdeconnect、termux、messages）")
    },
    send_all_question: |n, pause, left| {
        format!(
            "现在从你的手机退订 {n} 个发送方，每 {pause} 秒一条？（另有 {left} 个不发送：见 optout send --dry-run）"
        )
    },
    send_all_nothing: |left| {
        format!("此列表中没有可发送的退订（{left} 个不发送：见 optout send --dry-run）。")
    },
    send_step: |i, n, what| format!("{i}/{n}：{what}"),
    send_stopped: |sent, left| {
        format!("遇到第一次失败即停止：已发送 {sent} 条，未发送 {left} 条。")
    },
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
    advice_violating_short: "下一步：导出证据（e），然后投诉举报",
    advice_violating: "下一步：导出证据（e），并据此投诉（中国 12321，美国 FCC/FTC，英国转发到 7726）。",

    manual_title: "手动记录退订",
    scope_sender: "号码",
    scope_brand: "品牌",
    manual_date: "时间",
    manual_channel: "方式",
    manual_help: "Tab：下一项 · 方式：phone-call、app、website、other-phone、other",
    manual_list_title: "手动退订记录",
    manual_list_cols: ["#", "", "号码/品牌", "线路", "时间", "方式", "备注"],
    manual_list_empty: "还没有手动退订记录。在发送方上按 m 记录一条。",
    manual_list_help: "↑↓ 选择 · d 或 Delete 删除（需确认）· U 撤销 · Esc 关闭",
    hints_manual_list: &[
        ("↑↓", "移动"),
        ("d", "删除"),
        ("U", "撤销"),
        ("Esc", "关闭"),
    ],
    manual_list_confirm: |id, brand, name, at| {
        let what = if brand { "品牌" } else { "号码" };
        format!("删除{what} {name} 的手动退订记录 #{id}（{at}）？y：是 · n：否")
    },
    manual_deleted: |brand, name, at, ch, removed| {
        let what = if brand { "品牌" } else { "号码" };
        if removed {
            format!("已删除{what} {name} 的手动退订记录（{at}，{ch}）。")
        } else {
            format!("{what} {name} 的手动退订记录（{at}）已不存在。")
        }
    },
    manual_restored: |brand, name, at, id| {
        let what = if brand { "品牌" } else { "号码" };
        format!("已重新记录{what} {name} 的手动退订（{at}），编号 #{id}。")
    },
    export_title: "导出证据",
    export_file: "文件",
    export_selected: "此发送方及同品牌：",
    export_all_violating: |n| format!("所有违规发送方（{n}）"),
    export_help: "Tab：下一项 · 空格：切换选项 · 回车：写入",
    export_dir: "文件夹",
    export_dir_here: "（当前文件夹）",
    export_redact: "隐藏我的号码和联系人姓名",
    export_lang: "语言",
    export_lang_names: ["English", "中文"],
    export_exists: |p| format!("{p} 已存在：覆盖吗？(y/n)"),
    export_need_path: "请输入要写入的文件。",
    export_none_violating: "没有违规的发送方可导出。",
    import_title: "导入短信备份",
    import_file: "文件",
    import_help: "Tab 补全 · 可带引号和 \\ 转义（可直接拖入文件）· ~ 表示主目录",
    import_need_path: "请输入要导入的文件路径。",
    columns_title: "哪一列是什么？",
    columns_intro: |f| format!("optout 不认识 {f} 的列名。请为每一项选择对应的列："),
    columns_fields: ["号码（发送方）", "短信内容", "时间", "收发方向"],
    columns_none: "无：每行都是收到的短信",
    columns_example: "例：",
    columns_help: "↑↓ Tab：选择项目 · ←→ 空格：换列 · 1–9：按列号选 · Enter：导入 · Esc：取消",
    columns_same: "每一项需要单独的一列：有两项选了同一列。",
    columns_failed: "按这些列读不出任何短信：请检查号码和时间列，再按 Enter（按 Esc 后按 L 查看原因）。",
    columns_unreadable: "optout 无法区分这些列名：请在文件第一行给各列起不同的名字。",
    import_no_match: "没有以此开头的文件。",
    importing: "正在导入…",
    import_writing: "正在写入数据库",
    import_sorting: "正在按发送方建立索引…",
    import_indexing: "正在建立搜索索引",

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
    esc_home: "Esc 用于关闭和返回；按 q（或 Ctrl-C）退出。",
    overview_status: "↑↓ 选择发送方，回车打开其时间线。",
    confirm_title: "确定吗？",
    confirm_ignore: |brand, name, ignore| {
        let what = if brand { "品牌" } else { "号码" };
        if ignore {
            format!("忽略{what} {name}？保留记录，但不再标记。")
        } else {
            format!("取消忽略{what} {name}？")
        }
    },
    confirm_keys: "y：是 · n 或 Esc：否",
    nothing_changed: "未做更改。",
    nothing_to_undo: "没有可撤销的操作。",
    refreshed: "已从数据库重新载入。",
    refreshed_auto: "另一个 optout 进程修改了数据库：已重新载入。",
    undo_hint: "（按 U 撤销）",
    undone: |l| format!("已撤销：{l}"),
    manual_removed: |brand, name, removed| {
        let what = if brand { "品牌" } else { "号码" };
        if removed {
            format!("已删除{what} {name} 的手动退订记录。")
        } else {
            format!("{what} {name} 的手动退订记录已不存在。")
        }
    },
    log_title: "消息日志（本次）",
    log_empty: "还没有消息。",
    more_in_log: "（按 L 查看全文）",
    working: |w| {
        let what = match w {
            Slow::Recompute => "重新计算状态",
            Slow::Search => "搜索短信",
            Slow::Overview => "按月统计",
            Slow::Ignore => "保存忽略",
            Slow::Manual => "保存退订记录",
            Slow::Export => "写入导出文件",
        };
        format!("处理中… {what}")
    },
    search_cleared: "已清除搜索。",
    grouped_on: "已按品牌分组：i 将忽略整个品牌。",
    grouped_off: "每个号码一行。",
    searched: |q, n, t| format!("搜索“{q}”：{n} 个发送方（{t} 个按短信内容）"),
    searched_short: |n, bounded| {
        if bounded {
            format!(
                " · 少于 3 个字：只搜索了最新的 {} 条短信",
                crate::text::group_digits(n)
            )
        } else {
            " · 少于 3 个字：未使用索引，逐条搜索".to_string()
        }
    },
    search_match: "⌕ 与搜索匹配",
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
    offenders: OffendersStrings {
        title: "跨号码重复违规者",
        legend: "号码：有违规的号码 · 退订：已退订的号码 · 收到：收到其营销的号码",
        col_rank: "#",
        col_offender: "违规者",
        col_lines: "号码",
        col_opted: "退订",
        col_reached: "收到",
        col_violations: "违规条数",
        col_first: "首次",
        col_last: "最近",
        col_median: "超宽限天数",
        col_keyword: "指令",
        none: "没有任何号码在退订后收到违规营销。",
        numbers: "发送号码",
        lines_violating: "有违规的号码",
        lines_opted: "已退订的号码",
        lines_reached: "收到其营销的号码",
        per_month: "每月违规条数",
        detail_hint: "回车：在当前号码查看时间线 · Esc：返回排名",
        hints: &[
            ("?", "帮助"),
            ("q", "退出"),
            ("Esc", "返回"),
            ("↑↓", "违规者"),
            ("⏎", "详情"),
        ],
        status: |n| {
            format!(
                "跨号码共 {n} 个重复违规者；回车查看详情（optout export --offenders 导出报告）。"
            )
        },
        not_on_line: |name| format!("{name} 没有发送到当前号码：用 --line 名称 启动以查看其短信。"),
    },
    send: super::send::ZH,
    waiting_for_lock: "正在等待另一个 optout 导入完成…（q 退出；完成前不保存任何更改）",
    do_not_reply: "请勿回复",
};
