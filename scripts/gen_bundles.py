#!/usr/bin/env python3
"""Writes N evidence bundles (what `optout export --format json` writes for
a reporter's violating senders) for the scale benchmark
(scripts/bench-bundles.sh): one reporter each, about M messages each, with
integrity hashes that `optout import` verifies.

    python3 scripts/gen_bundles.py --out DIR [--bundles 10000] [--messages 100] [--seed 14]

Each reporter received marketing from ten brands of a pool of 300 (drawn
Zipf-like, so a few brands reach thousands of lines), each from a 106 port
with a "回T退订" instruction; the reporter replied "T", and the brand kept
sending: the instruction, the opt-out and the violations are what a bundle
cites (the fields `optout import` reads, plus the hash over all of it).
The canonical JSON the hash covers is the compact serialisation with
"integrity" null, keys in document order, non-ASCII as UTF-8: for the
integers and plain strings written here, Python's json.dumps with
separators=(",", ":") and ensure_ascii=False gives the same bytes as
serde_json.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random

DAY = 86_400_000
HOUR = 3_600_000
T0 = 1_735_660_800_000  # 2025-01-01T00:00:00+08:00
CST = datetime.timezone(datetime.timedelta(hours=8))
BRANDS = 300
PER_REPORTER = 10

PROMOS = [
    "春季大促，全场商品5折起，限时三天，立即抢购",
    "会员专享优惠券已到账，满100减50，点击领取",
    "新品上市限时特价，前100名下单再送好礼",
    "周年庆狂欢，充值送话费，办理即享优惠",
]


def brand_name(i: int) -> str:
    # Two to four CJK characters, distinct per brand.
    chars = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃"
    n = len(chars)
    return chars[i % n] + chars[(i // n) % n] + ("商城" if i % 3 == 0 else "银行" if i % 3 == 1 else "贷款")


def port(i: int) -> str:
    return f"1069{i:07d}"


def time_record(ts: int) -> dict:
    local = datetime.datetime.fromtimestamp(ts / 1000, CST)
    utc = datetime.datetime.fromtimestamp(ts / 1000, datetime.timezone.utc)
    return {
        "ts_ms": ts,
        "local": local.isoformat(timespec="seconds"),
        "utc": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "offset_source": "message",
    }


def bundle(n: int, messages: int, rng: random.Random, weights: list[float]) -> dict:
    reporter = hashlib.sha256(f"bench-reporter-{n}".encode()).hexdigest()[:32]
    source_sha = hashlib.sha256(f"bench-source-{n}".encode()).hexdigest()
    brands: list[int] = []
    while len(brands) < PER_REPORTER:
        b = rng.choices(range(BRANDS), weights)[0]
        if b not in brands:
            brands.append(b)
    # instruction + opt-out + violations per brand ≈ messages in all.
    per = max(1, messages // PER_REPORTER - 2)
    mid = 0

    def msg(role: str, p: str, direction: str, ts: int, text: str) -> dict:
        nonlocal mid
        mid += 1
        return {
            "message_id": mid,
            "role": role,
            "sender": p,
            "address": p,
            "direction": direction,
            "kind": "marketing" if direction == "in" else "outgoing",
            "channel": "sms",
            "time": time_record(ts),
            "text": text,
            "import_id": 1,
            "source_sha256": source_sha,
        }

    offenders = []
    for b in brands:
        name, p = brand_name(b), port(b)
        start = T0 + rng.randrange(300) * DAY + rng.randrange(24) * HOUR
        promo = lambda k: f"【{name}】{PROMOS[(b + k) % len(PROMOS)]}，回T退订"  # noqa: E731
        instruction = msg("instruction", p, "in", start, promo(0))
        optout_at = start + DAY + rng.randrange(12) * HOUR
        optout = msg("opt_out", p, "out", optout_at, "T")
        k = max(1, per + rng.randrange(-3, 4))
        violations = [
            msg("violation", p, "in", optout_at + 2 * DAY + j * DAY + rng.randrange(20) * HOUR, promo(j + 1))
            for j in range(k)
        ]
        offenders.append(
            {
                "scope": "sender",
                "name": p,
                "brand": name,
                "status": "violating",
                "senders": [{"key": p, "class": "port", "kind": "marketing"}],
                "instruction": {"keyword": "T", "target": p, "message": instruction},
                "optout": {
                    "manual": False,
                    "channel": None,
                    "note": None,
                    "keyword": "T",
                    "to": p,
                    "at": time_record(optout_at),
                    "message": optout,
                },
                "confirmation": None,
                "resubscribed": None,
                "violations": violations,
                "in_flight": [],
            }
        )
    doc = {
        "evidence_version": 2,
        "optout_version": "0.1.0",
        "zone": "Asia/Shanghai",
        "redacted": False,
        "reporter_id": reporter,
        "offenders": offenders,
        "imports": [
            {
                "import_id": 1,
                "file_name": "sms-backup.xml",
                "sha256": source_sha,
                "size": 100_000 + n,
                "format": "android-xml",
                "imported_at": time_record(T0 + 400 * DAY),
                "optout_version": "0.1.0",
            }
        ],
        "integrity": None,
    }
    canonical = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    doc["integrity"] = {
        "algorithm": "sha256",
        "sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    }
    return doc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--bundles", type=int, default=10_000)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    weights = [1.0 / (r + 1) for r in range(BRANDS)]
    total = 0
    for n in range(args.bundles):
        doc = bundle(n, args.messages, rng, weights)
        total += sum(2 + len(o["violations"]) for o in doc["offenders"])
        with open(os.path.join(args.out, f"b{n:05d}.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {args.bundles} bundles, {total} messages, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
