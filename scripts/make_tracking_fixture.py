#!/usr/bin/env python3
"""Writes tests/fixtures/tracking/: the end-to-end fixture of the tracking issue.

One sender per case of the opt-out state machine, in a compact SMS Backup &
Restore export (cases.xml), with the expected `optout senders --json` output
(truth.json) and the same as a table for people (expected.md), all computed
from the declarations below by scripts/sbr.py.

    python3 scripts/make_tracking_fixture.py          # (re)write the three files
    python3 scripts/make_tracking_fixture.py --check  # exit 1 if they are stale

Times: the user lives in Shanghai; US short codes send in US Eastern daytime.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
import sbr  # noqa: E402
from sbr import cn, et

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "tracking")


def build() -> sbr.Export:
    ex = sbr.Export(user_cn="+8615800004321", user_us="+19175550100")

    # 1. CN port, 回T退订, user "T", confirmation: confirmed and quiet.
    s = ex.sender("106900001001", "port", "CN", "晨曦优选", "CN shop",
                  "回T退订, user sends T, confirmation 40 s later, then silence",
                  expect="confirmed", expect_after=0)
    s.mkt(cn("2026-03-02 10:00:12"), "【晨曦优选】春季上新，会员满199减30，3月8日截止，回T退订", "T")
    s.mkt(cn("2026-03-05 19:30:05"), "【晨曦优选】您的20元无门槛券明天过期，别忘了用哦，回T退订", "T")
    s.send(cn("2026-03-06 21:00:00"), "T")
    s.conf(cn("2026-03-06 21:00:40"), "【晨曦优选】您已成功退订营销短信，感谢支持。")

    # 2. Brand siblings: 【悦家生活】 from two ports; R sent to the first; the
    #    second keeps marketing from 3 days later: it is the violator.
    a = ex.sender("106900002001", "port", "CN", "悦家生活", "CN home goods, number A",
                  "brand opt-out R sent here; this number then goes quiet",
                  expect="opted_out", expect_after=0)
    b = ex.sender("10659000200288", "port", "CN", "悦家生活", "CN home goods, number B",
                  "never got the opt-out itself; markets 3, 10 and 23 days after it",
                  expect="violating", expect_after=3)
    a.mkt(cn("2026-03-03 11:02:40"), "【悦家生活】床品换季特惠，四件套低至129元，拒收请回复R", "R")
    b.mkt(cn("2026-03-04 16:45:10"), "【悦家生活】收纳节来了，全场第二件半价，拒收请回复R", "R")
    a.mkt(cn("2026-03-09 10:15:00"), "【悦家生活】会员日加赠积分，今晚24点结束，拒收请回复R", "R")
    b.mkt(cn("2026-03-10 12:30:33"), "【悦家生活】厨房好物限时秒杀，9.9元起，拒收请回复R", "R")
    a.send(cn("2026-03-10 19:30:00"), "R")
    b.mkt(cn("2026-03-13 19:31:20"), "【悦家生活】周末焕新季，满300减50，拒收请回复R", "R")
    b.mkt(cn("2026-03-20 10:05:02"), "【悦家生活】您有一张50元券待领取，拒收请回复R", "R")
    b.mkt(cn("2026-04-02 18:22:47"), "【悦家生活】清明小长假出游必备，全场8折，拒收请回复R", "R")

    # 3. Lower-case reply: 回TD退订 answered with "td".
    s = ex.sender("106900003001", "port", "CN", "知味外卖", "CN food delivery",
                  "回TD退订, user sends lower-case td, no confirmation, silence",
                  expect="opted_out", expect_after=0)
    s.mkt(cn("2026-03-04 11:20:00"), "【知味外卖】午餐红包已到账，满25减8，今日有效，回TD退订", "TD")
    s.mkt(cn("2026-03-11 17:40:09"), "【知味外卖】晚餐神券限时领，奶茶第二杯0元，回TD退订", "TD")
    s.send(cn("2026-03-12 12:05:31"), "td")

    # 4. In flight: one more message 2 minutes after the opt-out, then silence.
    s = ex.sender("106900004001", "port", "CN", "潮流鞋城", "CN shoe shop",
                  "退订回T, user sends T, one campaign message lands 2 min later",
                  expect="opted_out", expect_after=0)
    s.mkt(cn("2026-03-05 12:00:00"), "【潮流鞋城】春季跑鞋新品到店，会员享88折，退订回T", "T")
    s.mkt(cn("2026-03-12 20:00:18"), "【潮流鞋城】周末满减：满399减80，退订回T", "T")
    s.send(cn("2026-03-16 20:11:05"), "T")
    s.mkt(cn("2026-03-16 20:13:12"), "【潮流鞋城】最后一天！满399减80今晚结束，退订回T", "T")

    # 5. A bank: marketing and OTPs from one number; after TDDX only OTPs and
    #    alerts (transactional, never a violation). Written with and without +86.
    s = ex.sender("106900005001", "port", "CN", "鹭岛银行", "CN bank",
                  "回复TDDX退订, user sends TDDX, confirmed; OTPs and alerts continue",
                  expect="confirmed", expect_after=0)
    s.mkt(cn("2026-03-02 09:30:00"), "【鹭岛银行】信用卡分期费率限时8折，最高可分24期，详询App，回复TDDX退订", "TDDX")
    s.txn(cn("2026-03-06 13:14:52"), "【鹭岛银行】您尾号3071的信用卡于03月06日13:14消费人民币86.50元，可用额度12,413.50元。", addr="+86106900005001")
    s.mkt(cn("2026-03-09 10:00:41"), "【鹭岛银行】积分兑好礼：500积分换咖啡券，3月31日截止，回复TDDX退订", "TDDX")
    s.send(cn("2026-03-10 09:20:00"), "TDDX")
    s.conf(cn("2026-03-10 09:20:30"), "【鹭岛银行】您已成功退订营销类短信，交易提醒及验证码不受影响。")
    s.txn(cn("2026-03-14 15:02:11"), "【鹭岛银行】验证码：604187，您正在绑定新设备，5分钟内有效，请勿告诉他人。", addr="+86106900005001")
    s.txn(cn("2026-03-21 08:40:26"), "【鹭岛银行】您尾号3071的信用卡本期账单金额3,208.40元，还款日04月08日。")
    s.txn(cn("2026-04-03 19:55:03"), "【鹭岛银行】验证码：318552，用于网上支付，5分钟内有效。")

    # 6. "Txt STOP to 80808": the reply goes to 80808, which confirms; the
    #    opt-out counts for 47701, the sender that asked for it.
    s = ex.sender("47701", "short_code", "US", "PeakFit", "US gym", sim=2,
                  scenario="asks for STOP at 80808; user does; 80808 confirms; silence",
                  expect="confirmed", expect_after=0)
    t = ex.sender("80808", "short_code", "US", None, "US shared short code", sim=2,
                  scenario="the opt-out target named by 47701; only sends the confirmation",
                  expect="confirmed", expect_after=0)
    s.mkt(et("2026-03-03 12:10:00"), "PeakFit: Spring challenge starts Monday! Join for $0 enrollment this week. Txt STOP to 80808 to end", "STOP", "80808")
    s.mkt(et("2026-03-10 12:05:44"), "PeakFit: Bring a friend free all week + 20% off personal training. Txt STOP to 80808 to end", "STOP", "80808")
    t.send(et("2026-03-11 09:30:00"), "STOP")
    t.conf(et("2026-03-11 09:30:20"), "You have been unsubscribed from PeakFit alerts. No more msgs will be sent.")

    # 7. STOP, then START, then marketing again: resubscribed, no violation.
    s = ex.sender("72468", "short_code", "US", "Slice Republic", "US pizza chain", sim=2,
                  scenario="STOP, confirmation, START 19 days later, marketing resumes",
                  expect="resubscribed", expect_after=0)
    tail = " Reply HELP for help, STOP to cancel. Msg&data rates may apply."
    s.mkt(et("2026-03-02 17:00:00"), "Slice Republic: 2 large 1-topping pizzas for $19.99 tonight only." + tail, "STOP")
    s.mkt(et("2026-03-05 16:30:27"), "Slice Republic: Free garlic knots with any online order over $25." + tail, "STOP")
    s.send(et("2026-03-06 18:20:00"), "STOP")
    s.conf(et("2026-03-06 18:20:09"), "Slice Republic: You have opted out and will no longer receive messages. Reply START to resubscribe.")
    s.send(et("2026-03-25 12:00:00"), "START")
    s.resub_conf(et("2026-03-25 12:00:11"), "Slice Republic: You have been resubscribed to texts. Reply STOP to cancel.")
    s.mkt(et("2026-03-27 17:05:03"), "Slice Republic: Welcome back! 30% off your next order with code BACK30." + tail, "STOP")
    s.mkt(et("2026-04-03 17:00:50"), "Slice Republic: Friday deal - any large pizza $9.99." + tail, "STOP")

    # 8. Personal contacts the user texts STOP and T: never an opt-out.
    s = ex.sender("+16465550188", "mobile", "US", None, "Jake (friend, US)", sim=2,
                  contact="Jake Miller",
                  scenario="jokes 'Reply STOP'; user answers STOP: personal, not an opt-out",
                  expect="none", expect_after=0)
    t0 = s.chat(et("2026-03-07 20:14:00"), [
        (0, "<", "Cat fact #11: cats sleep 12-16 hours a day \U0001F63A Reply STOP to stop getting cat facts"),
        (3, ">", "STOP"),
    ], addr="+1 646-555-0188")
    s.chat(t0, [(1, "<", "lol denied. Cat fact #12: a group of cats is called a clowder")])
    s = ex.sender("+8618810236677", "mobile", "CN", None, "阿杰 (friend, CN)",
                  contact="阿杰",
                  scenario="friend's poll '唱K回T'; user answers T: personal, not an opt-out",
                  expect="none", expect_after=0)
    s.chat(cn("2026-03-13 21:02:00"), [
        (0, "<", "周六去哪？爬山回S，唱K回T \U0001F602"),
        (2, ">", "T"),
        (1, "<", "就知道你，那我订包厢了"),
    ])

    # 9. US short code still marketing 3 days after STOP: inside the 10
    #    business-day grace, so in flight, not yet a violation.
    s = ex.sender("38294", "short_code", "US", "FreshCart", "US grocery", sim=2,
                  scenario="STOP on a Monday; one more promo on Thursday (in grace), then silence",
                  expect="opted_out", expect_after=0)
    s.mkt(et("2026-03-02 11:00:00"), "FreshCart: $15 off your first grocery delivery over $60. Reply STOP to opt out", "STOP")
    s.mkt(et("2026-03-09 11:00:36"), "FreshCart: Weekend produce sale - berries 2 for $6. Reply STOP to opt out", "STOP")
    s.send(et("2026-03-16 10:00:00"), "STOP")
    s.mkt(et("2026-03-19 11:00:14"), "FreshCart: Free delivery this weekend on orders $35+. Reply STOP to opt out", "STOP")

    # 10. US short code marketing 20 and 27 days after STOP: violating.
    s = ex.sender("26180", "short_code", "US", "Threadline", "US clothing", sim=2,
                  scenario="STOP, confirmation, then promos 20 and 27 days later",
                  expect="violating", expect_after=2)
    s.mkt(et("2026-03-03 13:00:00"), "Threadline: New spring denim is here. Members get 25% off. STOP2END", "STOP")
    s.mkt(et("2026-03-10 13:00:25"), "Threadline: Last call - 25% off denim ends tonight. STOP2END", "STOP")
    s.send(et("2026-03-11 14:00:00"), "STOP")
    s.conf(et("2026-03-11 14:00:06"), "Threadline: You have been unsubscribed and will receive no further messages.")
    s.mkt(et("2026-03-31 13:00:40"), "Threadline: Easter weekend sale, 40% off sitewide. STOP2END", "STOP")
    s.mkt(et("2026-04-07 13:01:02"), "Threadline: Your member reward is waiting: $10 off $50. STOP2END", "STOP")

    # 11. A subscribed sender, with a draft "N" never sent (drafts are not
    #     messages, so no opt-out).
    s = ex.sender("106900006001", "port", "CN", "山野户外", "CN outdoor shop",
                  "退订回N; the user drafts N but never sends it",
                  expect="subscribed", expect_after=0)
    s.mkt(cn("2026-03-04 18:00:00"), "【山野户外】冲锋衣春季清仓，低至5折，退订回N", "N")
    s.mkt(cn("2026-03-18 18:00:31"), "【山野户外】露营装备节：帐篷满800减120，退订回N", "N")
    s.mkt(cn("2026-04-01 18:01:05"), "【山野户外】清明踏青季，登山鞋第二双半价，退订回N", "N")
    s.draft(cn("2026-04-01 21:12:00"), "N")

    # 12. Transactional only: pickup codes from a port. No marketing, no status.
    s = ex.sender("106900007001", "port", "CN", "丰邮驿站", "CN parcel locker",
                  "pickup codes only", expect="none", expect_after=0)
    s.txn(cn("2026-03-09 17:42:10"), "【丰邮驿站】您的包裹已到小区东门驿站，取件码 5-2-3108，请于3月12日前领取。")
    s.txn(cn("2026-03-23 12:08:44"), "【丰邮驿站】您的包裹已到3号楼快递柜，取件码 710592，48小时内有效。")

    return ex


PREAMBLE = """# Tracking fixture: expected outcome per sender

Generated by `scripts/make_tracking_fixture.py` from the same declarations that
write `cases.xml` (do not edit by hand; run the script). The machine-readable
form is `truth.json`: its `senders` array is the expected `optout senders --json`
output, in its order (last seen first), with `--tz Asia/Shanghai`.

`cases.xml` holds {records} records: {delivered} delivered messages ({mms} MMS)
and {drafts} draft that must be skipped. Grace periods are the defaults: 24 h
for Chinese numbers, 10 business days for US short codes. Times below are
Asia/Shanghai; the US senders' messages were sent in US Eastern daytime.

Conventions (see the docstring of `scripts/sbr.py`): an opt-out reaches every
number of its brand and reports the brand's opt-out time; an opt-out sent to a
target number counts for the sender that named it and for the target itself;
`after_optout` counts marketing received after the opt-out plus grace, and
"in flight" marketing received inside the grace period.

"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the files on disk instead of writing")
    args = ap.parse_args(argv)

    ex = build()
    truth = sbr.compute_truth(ex)
    xml = sbr.render_xml(ex, "5e1f0a52-7c2b-4d7e-9f31-tracking0001")
    sbr.verify_xml(xml, ex)
    counts = dict(records=len(ex.messages),
                  delivered=sum(m.direction != "draft" for m in ex.messages),
                  drafts=sum(m.direction == "draft" for m in ex.messages),
                  mms=sum(bool(m.mms) for m in ex.messages))
    md = PREAMBLE.format(**counts) + sbr.truth_table(truth)
    js = sbr.truth_json(ex, truth, "tests/fixtures/tracking/cases.xml",
                        "scripts/make_tracking_fixture.py")

    if not args.check:
        os.makedirs(OUT, exist_ok=True)
    ok = all([sbr.write_or_check(os.path.join(OUT, "cases.xml"), xml, args.check),
              sbr.write_or_check(os.path.join(OUT, "truth.json"), js, args.check),
              sbr.write_or_check(os.path.join(OUT, "expected.md"), md, args.check)])
    print("tracking fixture: %(records)d records (%(delivered)d delivered, "
          "%(drafts)d draft), %(n)d senders" % dict(counts, n=len(truth["senders"])),
          file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
