#!/usr/bin/env python3
"""Writes tests/fixtures/offenders/: five people's phones (lines), eight brands
and one unbranded sender, and the repeat-offender ranking they must give,
computed here from the plan below and not by optout.

    python3 scripts/make_offenders_fixture.py          # (re)write the files
    python3 scripts/make_offenders_fixture.py --check  # exit 1 if they are stale

Every marketing message is an unmistakable promotion from a 106 port with a
"回T退订" instruction; an opt-out is the reply "T" to the port; violations
come whole days after the 24-hour grace, so "days past the grace" is exact.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "offenders")

DAY = 86_400_000
HOUR = 3_600_000
T0 = 1_772_323_200_000  # 2026-03-01T00:00:00Z
GRACE = DAY

# brand (None: unbranded) → its ports
BRANDS = {
    "甲银行": ["10690000101", "10690000102"],
    "乙贷款": ["10690000201"],
    "丙商城": ["10690000301"],
    "丁保险": ["10690000401"],
    "戊旅行": ["10690000501"],
    "己健身": ["10690000601"],
    "庚外卖": ["10690000701"],
    "辛影院": ["10690000801"],
    None: ["10690000901"],
}

# line → brand → (port index, opted out?, violation days past the grace)
PLAN = {
    "p1": {
        "甲银行": (0, True, [1, 3, 8]),
        "乙贷款": (0, True, [2]),
        "丙商城": (0, True, []),
        "戊旅行": (0, False, []),
        None: (0, True, [4, 5]),
    },
    "p2": {
        "甲银行": (1, True, [2, 6]),
        "乙贷款": (0, True, [1, 2, 3, 9]),
        "丁保险": (0, True, [5]),
        "己健身": (0, False, []),
    },
    "p3": {
        "甲银行": (0, True, [4]),
        "乙贷款": (0, False, []),
        "丙商城": (0, True, [7, 10]),
        "庚外卖": (0, True, []),
    },
    "p4": {
        "甲银行": (1, False, []),
        "丙商城": (0, True, [3]),
        "辛影院": (0, True, [6]),
        None: (0, False, []),
    },
    "p5": {
        "乙贷款": (0, True, [11]),
        "丁保险": (0, True, [2, 4]),
        "庚外卖": (0, False, []),
    },
}

PROMOS = [
    "春季大促，全场商品5折起，限时三天，立即抢购",
    "会员专享优惠券已到账，满100减50，点击领取",
    "新品上市限时特价，前100名下单再送好礼",
]


def body(brand: str | None, i: int) -> str:
    sign = f"【{brand}】" if brand else ""
    return f"{sign}{PROMOS[i % len(PROMOS)]}，回T退订"


def sms(address: str, ts: int, kind: int, text: str) -> str:
    esc = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (
        f'  <sms protocol="0" address="{address}" date="{ts}" type="{kind}" '
        f'subject="null" body="{esc}" toa="null" sc_toa="null" service_center="null" '
        f'read="1" status="-1" locked="0" date_sent="{ts}" readable_date="" '
        f'contact_name="(Unknown)" />'
    )


SINCE = 1_773_072_000_000  # 2026-03-10T00:00:00+08:00, for `--since 2026-03-10`


def build(since: int | None = None):
    exports: dict[str, str] = {}
    # per offender: lines affected / opted out / violating, violations, days
    acc: dict[str, dict] = {}
    for li, (line, brands) in enumerate(PLAN.items()):
        rows = []
        for bi, (brand, (port_i, opted, days)) in enumerate(brands.items()):
            port = BRANDS[brand][port_i]
            start = T0 + (li * 10 + bi) * HOUR
            # Two promotions before anything else.
            for k in range(2):
                rows.append((start + k * DAY, port, 1, body(brand, k)))
            optout_at = start + 3 * DAY
            violations = []
            if opted:
                rows.append((optout_at, port, 2, "T"))
                for d in days:
                    ts = optout_at + GRACE + d * DAY
                    rows.append((ts, port, 1, body(brand, d)))
                    if since is None or ts >= since:
                        violations.append((ts, d))
            name = brand if brand else port
            a = acc.setdefault(
                name,
                {
                    "kind": "brand" if brand else "sender",
                    "affected": set(),
                    "opted": set(),
                    "violating": set(),
                    "v": [],
                    "numbers": set(),
                },
            )
            a["affected"].add(line)
            a["numbers"].add(port)
            if opted:
                a["opted"].add(line)
            if violations:
                a["violating"].add(line)
            a["v"].extend(violations)
        rows.sort()
        xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        xml += f'<smses count="{len(rows)}">\n'
        xml += "\n".join(sms(addr, ts, kind, text) for ts, addr, kind, text in rows)
        xml += "\n</smses>\n"
        exports[line] = xml

    def iso(ms: int) -> str:
        import datetime

        return (
            datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
            .astimezone(datetime.timezone(datetime.timedelta(hours=8)))
            .isoformat()
        )

    ranking = []
    for name, a in acc.items():
        if not a["v"]:
            continue
        ts = [t for t, _ in a["v"]]
        ranking.append(
            {
                "offender": name,
                "scope": a["kind"],
                "lines_violating": len(a["violating"]),
                "lines_opted_out": len(a["opted"]),
                "lines_affected": len(a["affected"]),
                "violations": len(a["v"]),
                "first_violation": iso(min(ts)),
                "last_violation": iso(max(ts)),
                "median_days_past_grace": float(statistics.median(d for _, d in a["v"])),
                "numbers": sorted(a["numbers"]),
                "optout_keyword": "T",
            }
        )
    ranking.sort(key=lambda r: (-r["lines_violating"], -r["violations"], r["offender"]))
    return exports, ranking, acc


def export_named(ranking, acc):
    """`optout export --offenders --name-lines --format json`'s offenders:
    the ranking plus rank, message type, the lines by name and the
    violations per month (in +08:00, the tests' zone)."""
    out = []
    for i, r in enumerate(ranking):
        a = acc[r["offender"]]
        months: dict[str, int] = {}
        for ts, _ in a["v"]:
            import datetime

            m = (
                datetime.datetime.fromtimestamp(ts / 1000, datetime.timezone.utc)
                .astimezone(datetime.timezone(datetime.timedelta(hours=8)))
                .strftime("%Y-%m")
            )
            months[m] = months.get(m, 0) + 1
        row = {"rank": i + 1}
        row.update(r)
        row["message_type"] = "text"
        row["lines"] = {
            "violating": sorted(a["violating"]),
            "opted_out": sorted(a["opted"]),
            "affected": sorted(a["affected"]),
        }
        row["violations_per_month"] = [
            {"month": m, "violations": n} for m, n in sorted(months.items())
        ]
        out.append(row)
    return out


def render():
    exports, ranking, acc = build()
    _, since, _ = build(SINCE)
    files = {f"{line}.xml": xml for line, xml in exports.items()}
    files["expected.json"] = json.dumps(ranking, ensure_ascii=False, indent=2) + "\n"
    files["expected-since-2026-03-10.json"] = (
        json.dumps(since, ensure_ascii=False, indent=2) + "\n"
    )
    files["expected-export-named.json"] = (
        json.dumps(export_named(ranking, acc), ensure_ascii=False, indent=2) + "\n"
    )
    return files


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    files = render()
    if args.check:
        stale = [
            n
            for n, text in files.items()
            if not os.path.exists(os.path.join(OUT, n))
            or open(os.path.join(OUT, n), encoding="utf-8").read() != text
        ]
        if stale:
            print("stale:", ", ".join(stale))
            return 1
        return 0
    os.makedirs(OUT, exist_ok=True)
    for n, text in files.items():
        with open(os.path.join(OUT, n), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
