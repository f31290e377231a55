//! The offenders report as one self-contained HTML page: the ranked table,
//! a chart of violations per month for the top offenders (inline SVG, no
//! script, no external resource, the same Content-Security-Policy as the
//! evidence page), and the lines behind each offender. Printable: the
//! evidence CSS plus a few rules of its own under `@media print`. Every
//! string goes through [`escape`]. The page is written as it is made, an
//! offender at a time ([`write`]), never held whole.

use std::fmt::Write as _;
use std::io;

use super::Lang;
use super::html::{escape, page_head};
use super::offenders::{OffenderRow, OffendersReport};

/// The page's own rules: the chart and the wide table.
const EXTRA_CSS: &str = "
table.rank { width: 100%; border-collapse: collapse; }
table.rank th, table.rank td { border-bottom: 0.5pt solid var(--rule); padding: 2pt 4pt; vertical-align: top; }
table.rank td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
svg.chart { width: 100%; height: auto; }
svg.chart text { font-size: 9px; fill: var(--ink); }
svg.chart .bar { fill: var(--bad); }
svg.chart .axis { stroke: var(--rule); stroke-width: 1; }
.ids code { overflow-wrap: anywhere; word-break: break-all; }
@media print {
  svg.chart, table.rank tr, .ids li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
";

/// How many offenders the chart shows.
pub const CHART_OFFENDERS: usize = 8;
/// How many months the chart spans at most (the latest ones).
pub const CHART_MONTHS: usize = 36;

struct Words {
    title: &'static str,
    lede: &'static str,
    generated: &'static str,
    lines_total: &'static str,
    min_lines: &'static str,
    since: &'static str,
    pseudonyms: &'static str,
    named: &'static str,
    ranking: &'static str,
    offender: &'static str,
    numbers: &'static str,
    lines_violating: &'static str,
    lines_opted_out: &'static str,
    lines_affected: &'static str,
    violations: &'static str,
    first: &'static str,
    last: &'static str,
    median: &'static str,
    keyword: &'static str,
    chart: &'static str,
    lines: &'static str,
    none: &'static str,
}

const EN: Words = Words {
    title: "Repeat offenders across lines",
    lede: "Senders that kept marketing after an opt-out and its grace period, ranked by how many lines (phones or people) they did it to, then by violations.",
    generated: "Generated",
    lines_total: "Lines in the casebook",
    min_lines: "Shown: offenders with violations on at least this many lines",
    since: "Violations counted from",
    pseudonyms: "Lines appear as pseudonymous reporter ids, never by name.",
    named: "Lines appear by name (--name-lines): do not publish this copy.",
    ranking: "Ranking",
    offender: "Offender",
    numbers: "Numbers",
    lines_violating: "Lines with violations",
    lines_opted_out: "Lines that opted out",
    lines_affected: "Lines that received its marketing",
    violations: "Violations",
    first: "First violation",
    last: "Last violation",
    median: "Median days past grace",
    keyword: "Opt-out keyword",
    chart: "Violations per month, top offenders",
    lines: "Lines",
    none: "No offender has violations in this selection.",
};

const ZH: Words = Words {
    title: "跨号码重复违规者",
    lede: "退订且宽限期过后仍继续发送营销短信的发送方，按违规涉及的号码（手机或个人）数量排序，其次按违规条数。",
    generated: "生成时间",
    lines_total: "案卷中的号码数",
    min_lines: "仅列出至少在这么多个号码上违规的发送方",
    since: "违规统计起始",
    pseudonyms: "号码以化名的报告人编号出现，不显示名称。",
    named: "号码以名称出现（--name-lines）：请勿公开此副本。",
    ranking: "排名",
    offender: "违规者",
    numbers: "号码",
    lines_violating: "有违规的号码",
    lines_opted_out: "已退订的号码",
    lines_affected: "收到其营销的号码",
    violations: "违规条数",
    first: "首次违规",
    last: "最近违规",
    median: "超出宽限期天数（中位数）",
    keyword: "退订指令",
    chart: "每月违规条数（前列违规者）",
    lines: "号码",
    none: "所选范围内没有违规者。",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// How much of the page is made before it is written out.
const CHUNK: usize = 64 * 1024;

/// Writes `out` to `w` once it holds [`CHUNK`] bytes (`force`: whatever it holds).
fn flush(out: &mut String, w: &mut dyn io::Write, force: bool) -> io::Result<()> {
    if force || out.len() >= CHUNK {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// Writes the report as one HTML page to `w`, a piece at a time.
pub fn write(doc: &OffendersReport, lang: Lang, w: &mut dyn io::Write) -> io::Result<()> {
    let t = words(lang);
    let mut out = String::with_capacity(2 * CHUNK);
    page_head(&mut out, lang, &doc.optout_version, t.title, EXTRA_CSS);
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p class=\"lede\">{}</p>",
        escape(t.title),
        escape(t.lede)
    );
    out.push_str("<table class=\"facts\">\n");
    let fact = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(k),
            escape(v)
        );
    };
    fact(&mut out, t.generated, &doc.generated_at);
    fact(&mut out, t.lines_total, &doc.lines_total.to_string());
    fact(&mut out, t.min_lines, &doc.min_lines.to_string());
    if let Some(since) = &doc.since {
        fact(&mut out, t.since, since);
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<p class=\"muted\">{}</p>",
        escape(if doc.lines_named {
            t.named
        } else {
            t.pseudonyms
        })
    );
    let _ = writeln!(out, "<h2>{}</h2>", escape(t.ranking));
    if doc.offenders.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(t.none));
    } else {
        table(&mut out, doc, t, w)?;
        let _ = writeln!(out, "<h2>{}</h2>", escape(t.chart));
        chart(&mut out, &doc.offenders);
        let _ = writeln!(out, "<h2>{}</h2>", escape(t.lines));
        lines(&mut out, doc, t, w)?;
    }
    let _ = write!(
        out,
        "<footer><span>optout {}</span></footer>\n</body>\n</html>\n",
        escape(&doc.optout_version)
    );
    flush(&mut out, w, true)
}

fn table(
    out: &mut String,
    doc: &OffendersReport,
    t: &Words,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    let _ = writeln!(
        out,
        "<table class=\"rank\">\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(t.offender),
        escape(t.numbers),
        escape(t.lines_violating),
        escape(t.lines_opted_out),
        escape(t.lines_affected),
        escape(t.violations),
        escape(t.first),
        escape(t.last),
        escape(t.median),
        escape(t.keyword),
    );
    for o in &doc.offenders {
        let r = &o.ranking;
        let dash = || "-".to_string();
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td id=\"o{}\">{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            o.rank,
            o.rank,
            escape(&r.offender),
            escape(&r.numbers.join(", ")),
            r.lines_violating,
            r.lines_opted_out,
            r.lines_affected,
            crate::text::group_digits(r.violations),
            escape(r.first_violation.as_deref().unwrap_or("-")),
            escape(r.last_violation.as_deref().unwrap_or("-")),
            r.median_days_past_grace
                .map_or_else(dash, |d| format!("{d:.1}")),
            escape(r.optout_keyword.as_deref().unwrap_or("-")),
        );
        flush(out, w, false)?;
    }
    out.push_str("</tbody>\n</table>\n");
    Ok(())
}

/// `2026-03` → (2026, 3).
fn year_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    Some((y.parse().ok()?, m.parse().ok()?))
}

/// Every month from the first to the last any of `rows` has a violation
/// in, at most the latest [`CHART_MONTHS`].
fn month_axis(rows: &[&OffenderRow]) -> Vec<String> {
    let all = rows
        .iter()
        .flat_map(|o| o.violations_per_month.iter())
        .filter_map(|m| year_month(&m.month));
    let (Some(lo), Some(hi)) = (all.clone().min(), all.max()) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let (mut y, mut m) = lo;
    while (y, m) <= hi {
        months.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let skip = months.len().saturating_sub(CHART_MONTHS);
    months.split_off(skip)
}

/// Small multiples: one row of monthly bars per top offender, on one
/// shared scale, each bar titled with its count.
fn chart(out: &mut String, offenders: &[OffenderRow]) {
    let rows: Vec<&OffenderRow> = offenders.iter().take(CHART_OFFENDERS).collect();
    let months = month_axis(&rows);
    if months.is_empty() {
        return;
    }
    let max = rows
        .iter()
        .flat_map(|o| o.violations_per_month.iter())
        .map(|m| m.violations)
        .max()
        .unwrap_or(1)
        .max(1);
    let (label_w, width, row_h, bar_h) = (150.0_f64, 700.0_f64, 44.0_f64, 30.0_f64);
    // Room above the first bar for its count, and below the last for the months.
    let (top_h, axis_h) = (12.0, 28.0);
    let slot = (width - label_w - 10.0) / months.len() as f64;
    let height = top_h + row_h * rows.len() as f64 + axis_h;
    let _ = writeln!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    for (i, o) in rows.iter().enumerate() {
        let top = top_h + row_h * i as f64;
        let base = top + bar_h + 4.0;
        let name: String = o.ranking.offender.chars().take(18).collect();
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{:.1}\">{}. {}</text>",
            base - 8.0,
            o.rank,
            escape(&name)
        );
        let _ = writeln!(
            out,
            "<line class=\"axis\" x1=\"{label_w}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\"/>",
            width - 10.0
        );
        for m in &o.violations_per_month {
            let Some(k) = months.iter().position(|x| *x == m.month) else {
                continue;
            };
            let h = (bar_h * m.violations as f64 / max as f64).max(1.0);
            let x = label_w + slot * k as f64 + slot * 0.15;
            let _ = writeln!(
                out,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{} {}: {}</title></rect>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                base - h,
                slot * 0.7,
                escape(&name),
                escape(&m.month),
                m.violations,
                x + slot * 0.35,
                base - h - 2.0,
                m.violations
            );
        }
    }
    // Month labels: every one when they fit, else every n-th.
    let every = (months.len() / 12).max(1);
    let y = top_h + row_h * rows.len() as f64 + 12.0;
    for (k, month) in months.iter().enumerate() {
        if k % every != 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{}</text>",
            label_w + slot * k as f64 + slot * 0.5,
            escape(month)
        );
    }
    out.push_str("</svg>\n");
}

fn lines(
    out: &mut String,
    doc: &OffendersReport,
    t: &Words,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    out.push_str("<ol class=\"ids\">\n");
    for o in &doc.offenders {
        let list = |ids: &[String]| {
            ids.iter()
                .map(|id| format!("<code>{}</code>", escape(id)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(
            out,
            "<li><strong>{}</strong><br>{}: {}<br>{}: {}<br>{}: {}</li>",
            escape(&o.ranking.offender),
            escape(t.lines_violating),
            list(&o.lines.violating),
            escape(t.lines_opted_out),
            list(&o.lines.opted_out),
            escape(t.lines_affected),
            list(&o.lines.affected),
        );
        flush(out, w, false)?;
    }
    out.push_str("</ol>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::offenders::{LineIds, MonthCount};
    use crate::track::OffenderJson;

    fn row(rank: u64, name: &str, months: &[(&str, u64)]) -> OffenderRow {
        OffenderRow {
            rank,
            ranking: OffenderJson {
                offender: name.into(),
                scope: "brand",
                lines_violating: 3,
                lines_opted_out: 3,
                lines_affected: 4,
                violations: months.iter().map(|m| m.1).sum(),
                first_violation: None,
                last_violation: None,
                median_days_past_grace: None,
                numbers: vec!["10690000101".into()],
                optout_keyword: Some("T".into()),
            },
            message_type: "text",
            lines: LineIds {
                violating: Vec::new(),
                opted_out: Vec::new(),
                affected: Vec::new(),
            },
            violations_per_month: months
                .iter()
                .map(|(m, n)| MonthCount {
                    month: (*m).into(),
                    violations: *n,
                })
                .collect(),
        }
    }

    #[test]
    fn the_month_axis_spans_every_month_across_a_year_end() {
        let a = row(1, "甲", &[("2025-11", 2), ("2026-02", 5)]);
        let b = row(2, "乙", &[("2025-12", 1)]);
        assert_eq!(
            month_axis(&[&a, &b]),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        let long = row(1, "丙", &[("2020-01", 1), ("2026-12", 1)]);
        let axis = month_axis(&[&long]);
        assert_eq!(axis.len(), CHART_MONTHS);
        assert_eq!(axis.last().map(String::as_str), Some("2026-12"));
    }

    #[test]
    fn the_chart_escapes_names_and_keeps_every_bar_inside() {
        let mut out = String::new();
        chart(
            &mut out,
            &[row(1, "<b>&甲", &[("2026-01", 9), ("2026-03", 3)])],
        );
        assert!(out.contains("&lt;b&gt;&amp;甲"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert_eq!(out.matches("<rect").count(), 2);
        // Every text's baseline leaves its 9px glyphs inside the view box
        // (the count above the tallest bar too).
        for y in out.split(" y=\"").skip(1) {
            let y: f64 = y.split('"').next().unwrap().parse().unwrap();
            assert!(y >= 9.0, "{out}");
        }
    }
}
