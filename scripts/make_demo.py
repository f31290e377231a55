#!/usr/bin/env python3
"""Writes the demo export that `optout demo` imports, and its ground truth.

    python3 scripts/make_demo.py            # writes assets/demo-sms.xml,
                                            #   assets/demo-truth.json, assets/README.md
    python3 scripts/make_demo.py --check    # exit 1 if any of them is stale
    python3 scripts/make_demo.py --table    # also print the truth table

Four months (January to April 2026) of one person's SMS Backup & Restore
export: a user in Shanghai with a Chinese SIM (sub_id 1) and a US number kept
on a second SIM (sub_id 2). Every message is written here by hand, labelled
with what it is; the README's table and demo-truth.json are computed from these
same declarations by scripts/sbr.py, which also checks that each sender ends
in the state it was written for. Brands are fictional, except a few real
banks, carriers and services that appear only in roles that accuse them of
nothing (their opt-outs are honoured).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
import sbr  # noqa: E402
from sbr import cn, et

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASSETS = os.path.join(ROOT, "assets")

USER_CN = "+8615800004321"
USER_US = "+19175550100"

# Raw address forms of the family, as the phone wrote them at different times.
MOM = ["+86 139 1234 5678", "13912345678", "+8613912345678"]
DAD = "+8613817120456"
SIS = "13564028831"


def build() -> sbr.Export:
    ex = sbr.Export(user_cn=USER_CN, user_us=USER_US)
    bank(ex)
    lenders(ex)
    shops(ex)
    food_delivery(ex)
    carrier(ex)
    cosmetics(ex)
    subscribed_cn(ex)
    transactional_cn(ex)
    suspicious(ex)
    us_marketing(ex)
    family(ex)
    friends_cn(ex)
    friends_us(ex)
    return ex


# --------------------------------------------------------------------------
# CN marketing
# --------------------------------------------------------------------------

def bank(ex):
    """A real bank's service number mixing promotions, alerts and OTPs. The
    user opts out with TDDX; only alerts and codes follow: no violation."""
    s = ex.sender("95528", "service", "CN", "浦发银行", "bank (credit card)",
                  "promos, alerts and OTPs from one number; TDDX, confirmed; "
                  "afterwards only alerts and codes (transactional, not a violation)",
                  expect="confirmed", expect_after=0)
    kw = "TDDX"
    s.mkt(cn("2026-01-06 10:05:31"), "【浦发银行】尊敬的客户，您的信用卡可申请账单分期，12期手续费限时7.5折，最高可分50,000元，详询浦发App，回复TDDX退订", kw)
    s.txn(cn("2026-01-09 19:32:07"), "【浦发银行】您尾号8812的信用卡01月09日19:32消费人民币238.00元，当前可用额度21,761.00元。", addr="+8695528")
    s.mkt(cn("2026-01-15 11:20:44"), "【浦发银行】新春好礼：1月31日前刷卡满3笔199元，即可兑换50元超市券一张，名额有限，回复TDDX退订", kw)
    s.txn(cn("2026-01-18 12:03:15"), "【浦发银行】验证码：385021，您正在进行网上支付，金额128.00元，请勿向任何人泄露。")
    s.txn(cn("2026-01-21 09:00:02"), "【浦发银行】您尾号8812的信用卡本期账单已出，应还金额4,127.35元，最低还款412.74元，到期还款日02月08日。")
    s.mkt(cn("2026-01-27 14:02:50"), "【浦发银行】年货节专享：指定商户消费满300元立减30元，每周限1次，回复TDDX退订", kw)
    s.mkt(cn("2026-02-05 10:30:09"), "【浦发银行】您已获得一笔预审批现金分期额度，最高8万元，年化利率低至3.6%起，登录App查看，回复TDDX退订", kw)
    s.txn(cn("2026-02-07 21:15:40"), "【浦发银行】您尾号8812的信用卡已于02月07日还款4,127.35元，感谢您的支持。")
    s.mkt(cn("2026-02-13 16:45:12"), "【浦发银行】春节出行季\n境外消费返现5%，单卡最高返300元\n活动期至3月15日，回复TDDX退订", kw)
    s.txn(cn("2026-02-16 18:22:35"), "【浦发银行】您尾号8812的信用卡02月16日18:22消费人民币612.00元，当前可用额度20,903.00元。", addr="+8695528")
    s.mkt(cn("2026-02-23 10:12:27"), "【浦发银行】积分当钱花：2,000积分可抵20元话费，2月28日截止，回复TDDX退订", kw)
    s.mkt(cn("2026-02-24 20:47:03"), "【浦发银行】尊敬的客户，您的信用卡额度可临时提升至35,000元，有效期60天，回复TDDX退订", kw)
    s.send(cn("2026-02-24 21:05:12"), "TDDX")
    s.conf(cn("2026-02-24 21:05:50"), "【浦发银行】您已成功退订信用卡营销短信，账户变动通知及验证码将继续发送。")
    s.txn(cn("2026-03-03 15:41:18"), "【浦发银行】验证码：770426，您正在绑定新设备，5分钟内有效，请勿泄露。")
    s.txn(cn("2026-03-12 12:36:51"), "【浦发银行】您尾号8812的信用卡03月12日12:36消费人民币45.50元，当前可用额度24,954.50元。")
    s.txn(cn("2026-03-21 09:00:04"), "【浦发银行】您尾号8812的信用卡本期账单已出，应还金额2,986.10元，最低还款298.61元，到期还款日04月08日。")
    s.txn(cn("2026-04-07 20:18:22"), "【浦发银行】您尾号8812的信用卡已于04月07日还款2,986.10元，感谢您的支持。")
    s.txn(cn("2026-04-14 10:27:33"), "【浦发银行】验证码：152907，您正在进行网上支付，金额66.00元，请勿向任何人泄露。")
    s.txn(cn("2026-04-19 19:03:48"), "【浦发银行】您尾号8812的信用卡04月19日19:03消费人民币318.00元，当前可用额度24,636.50元。", addr="+8695528")


def lenders(ex):
    """An online lender that ignores the opt-out for eleven weeks, and a
    consumer-finance company with a reply menu the user never opted out of."""
    s = ex.sender("106903278812", "port", "CN", "速易借", "online lender",
                  "回T退订; T on Feb 3 and again on Feb 21, no confirmation; "
                  "keeps offering loans weekly until late April",
                  expect="violating", expect_after=12)
    alt = "+86106903278812"
    s.mkt(cn("2026-01-08 12:15:20"), "【速易借】您有一笔最高200,000元的借款额度待领取，最快3分钟到账，日息低至0.02%，回T退订", "T")
    s.mkt(cn("2026-01-14 18:40:02"), "【速易借】新年用钱不发愁：额度已更新，随借随还，首期免息，回T退订", "T", addr=alt)
    s.mkt(cn("2026-01-22 20:05:37"), "【速易借】尊敬的用户，您的额度审批已通过，最高可借150,000元，今日申请利息打8折，退订回T", "T")
    s.mkt(cn("2026-01-29 11:11:11"), "【速易借】过年红包提前领：借款满5,000元送88元还款券，退订回T", "T")
    s.mkt(cn("2026-02-02 19:48:25"), "【速易借】您的借款额度今晚24点失效，立即登录领取，回T退订", "T")
    s.send(cn("2026-02-03 12:40:22"), "T")
    s.mkt(cn("2026-02-09 10:20:13"), "【速易借】恭喜！您的专属额度已提升至300,000元，随借随还，回T退订", "T", addr=alt)
    s.mkt(cn("2026-02-15 19:02:46"), "【速易借】春节不打烊，借款最快1分钟到账，回T退订", "T")
    s.mkt(cn("2026-02-21 09:30:08"), "【速易借】节后周转找速易借，额度高至300,000元，回T退订", "T")
    s.send(cn("2026-02-21 09:47:55"), "T")
    s.mkt(cn("2026-02-27 20:15:31"), "【速易借】您的额度仍未使用，今日借款可享利息券，退订回T", "T")
    s.mkt(cn("2026-03-05 12:00:19"), "【速易借】您的信用额度398,000元将于3月15日到期，到期后将无法恢复，请尽快登录使用，回T退订", "T")
    s.mkt(cn("2026-03-13 18:30:42"), "【速易借】提醒：您的额度将于3月15日到期，今日借款享7天免息，回T退订", "T", addr=alt)
    s.mkt(cn("2026-03-20 11:45:05"), "【速易借】额度已为您保留，最快3分钟到账，回T退订", "T")
    s.mkt(cn("2026-03-28 19:20:33"), "【速易借】周末用钱？随借随还，按日计息，回T退订", "T")
    s.mkt(cn("2026-04-04 10:10:10"), "【速易借】清明假期借款免息3天，回T退订", "T")
    s.mkt(cn("2026-04-11 20:40:28"), "【速易借】您有一笔88元还款券即将过期，回T退订", "T", addr=alt)
    s.mkt(cn("2026-04-17 12:25:54"), "【速易借】额度再次提升！最高可借400,000元，回T退订", "T")
    s.mkt(cn("2026-04-24 19:05:16"), "【速易借】五一出游备用金已到账，点击领取，回T退订", "T")

    s = ex.sender("10657500331", "port", "CN", "禾信消费金融", "consumer finance",
                  "menu 查看利率回1，申请回2，回T退订 (the opt-out is T, not 1 or 2); "
                  "the user replies 1 once (not an opt-out)",
                  expect="subscribed", expect_after=0)
    menu = "查看利率回1，申请回2，回T退订"
    s.mkt(cn("2026-01-12 10:30:14"), "【禾信消费金融】您的消费贷预授信额度已生成，最高20万元。" + menu, "T")
    s.mkt(cn("2026-02-10 15:00:37"), "【禾信消费金融】开工季专享：新客首借30天免息。" + menu, "T")
    s.mkt(cn("2026-03-09 11:20:05"), "【禾信消费金融】您的额度仍可使用，年化利率7.2%起。" + menu, "T")
    s.send(cn("2026-03-09 11:35:40"), "1")
    s.mkt(cn("2026-03-09 11:35:52"), "【禾信消费金融】您的专属年化利率为7.2%（单利），借1万元每月利息约60元。申请回2，回T退订", "T")
    s.mkt(cn("2026-04-07 16:40:21"), "【禾信消费金融】额度有效期还剩30天，" + menu, "T")


def shops(ex):
    """An e-commerce shop whose queued campaign lands 2 minutes after TD,
    and an insurer opted out with a full-width Ｔ."""
    s = ex.sender("1069089910024", "port", "CN", "柚见优选", "e-commerce shop",
                  "退订回TD; TD at 20:11:05, one campaign message at 20:13:12 "
                  "(in flight, not a violation), then silence",
                  expect="opted_out", expect_after=0)
    s.mkt(cn("2026-01-10 12:00:33"), "【柚见优选】年货节预热：坚果礼盒第二件半价，满199包邮，退订回TD", "TD")
    s.mkt(cn("2026-01-20 20:00:12"), "【柚见优选】您的购物车商品降价了，到手价仅59.9元，退订回TD", "TD")
    s.mkt(cn("2026-01-30 10:00:48"), "【柚见优选】春节前最后发货：1月31日24点前下单，年前送达，退订回TD", "TD")
    s.mkt(cn("2026-02-20 19:30:26"), "【柚见优选】开工红包：满100减15，限时3天，退订回TD", "TD")
    s.mkt(cn("2026-03-03 12:12:12"), "【柚见优选】女神节提前购，美妆个护5折起\U0001F381，退订回TD", "TD")
    s.mkt(cn("2026-03-08 10:00:07"), "【柚见优选】女神节当天加码：全场满200减40，退订回TD", "TD")
    s.mkt(cn("2026-03-10 19:00:40"), "【柚见优选】会员专享夜场秒杀，今晚20:00开抢，退订回TD", "TD")
    s.send(cn("2026-03-10 20:11:05"), "TD")
    s.mkt(cn("2026-03-10 20:13:12"), "【柚见优选】秒杀进行中，爆款低至9.9元，仅剩最后30分钟，退订回TD", "TD")

    s = ex.sender("10655013588", "port", "CN", "安和人寿", "insurance company",
                  '回"T"退订; the user replies with a full-width Ｔ; no '
                  "confirmation; silence afterwards",
                  expect="opted_out", expect_after=0)
    s.mkt(cn("2026-01-06 15:00:25"), '【安和人寿】新年守护计划：百万医疗险首月1元，续保无忧，详询客服，回"T"退订', "T")
    s.mkt(cn("2026-01-16 10:30:58"), '【安和人寿】您的专属保障方案已生成，重疾险限时9折，回"T"退订', "T")
    s.mkt(cn("2026-01-26 16:00:17"), '【安和人寿】春节出行意外险，最低5元/天，全国通用，回"T"退订', "T")
    s.send(cn("2026-01-28 15:20:31"), "Ｔ")


def food_delivery(ex):
    """One brand, three ports with random extensions; lower-case td sent to
    one of them covers all three; confirmed, and all three fall silent."""
    a = ex.sender("106980095518", "port", "CN", "饭点外卖", "food delivery, port 1 of 3",
                  "brand opt-out: lower-case td sent here, confirmed 31 s later",
                  expect="confirmed", expect_after=0)
    b = ex.sender("1069800955180021", "port", "CN", "饭点外卖", "food delivery, port 2 of 3",
                  "covered by the brand opt-out sent to 106980095518; silent after",
                  expect="confirmed", expect_after=0)
    c = ex.sender("10659057103", "port", "CN", "饭点外卖", "food delivery, port 3 of 3",
                  "covered by the brand opt-out sent to 106980095518; silent after",
                  expect="confirmed", expect_after=0)
    a.mkt(cn("2026-01-05 11:15:06"), "【饭点外卖】午餐神券到账：满30减12，今日11:00-14:00可用，回TD退订", "TD")
    b.mkt(cn("2026-01-11 17:50:29"), "【饭点外卖】周末宅家吃好点，火锅套餐低至5折，退订请回复TD", "TD")
    c.mkt(cn("2026-01-17 11:05:44"), "【饭点外卖】下雪天不出门，外卖免配送费，回td退订", "TD")
    a.mkt(cn("2026-01-24 17:30:15"), "【饭点外卖】年货也能送到家：超市满99减20，回TD退订", "TD")
    b.mkt(cn("2026-02-01 11:20:52"), "【饭点外卖】会员月卡限时6.9元，每月4张无门槛券，退订请回复TD", "TD")
    c.mkt(cn("2026-02-08 17:45:09"), "【饭点外卖】年夜饭套餐预订开启，提前下单立减30元，回td退订", "TD")
    a.mkt(cn("2026-02-19 11:10:36"), "【饭点外卖】开工第一餐我们请：满20减10，回TD退订", "TD")
    b.mkt(cn("2026-02-25 17:35:21"), "【饭点外卖】奶茶节来了，第二杯0元\U0001F9CB，退订请回复TD", "TD")
    c.mkt(cn("2026-03-02 11:00:58"), "【饭点外卖】元宵节汤圆满减：满39减10，回td退订", "TD")
    a.mkt(cn("2026-03-03 11:40:03"), "【饭点外卖】您有3张红包今天过期，快去下单吧，回TD退订", "TD")
    a.send(cn("2026-03-03 11:52:14"), "td")
    a.conf(cn("2026-03-03 11:52:45"), "【饭点外卖】退订成功，您将不再收到饭点外卖的营销短信。")


def carrier(ex):
    """The carrier's own number: promos with 回复0000退订 (and a KT menu item),
    monthly bills. 0000 is confirmed; bills continue."""
    s = ex.sender("10086", "service", "CN", "中国移动", "mobile carrier",
                  "回复0000退订 next to 回复KT办理; 0000 sent, confirmed; "
                  "monthly bills and usage alerts continue (transactional)",
                  expect="confirmed", expect_after=0)
    s.mkt(cn("2026-01-07 10:00:21"), "尊敬的客户，您好！5G畅享流量包限时优惠：每月30元得40GB，连续包12个月再送视频会员。回复KT办理，回复0000退订。【中国移动】", "0000")
    s.mkt(cn("2026-01-19 15:30:44"), "尊敬的客户，春节回家流量不够用？7天20GB假日包仅需10元，回复KT办理，回复0000退订。【中国移动】", "0000")
    s.txn(cn("2026-02-01 09:00:08"), "尊敬的客户，您好！\n您1月份消费58.00元，当前话费余额42.60元。【中国移动】")
    s.mkt(cn("2026-02-06 11:00:37"), "尊敬的客户，宽带融合套餐新春特惠：每月99元含300M宽带和两张副卡，回复0000退订。【中国移动】", "0000")
    s.send(cn("2026-02-09 10:15:02"), "0000")
    s.conf(cn("2026-02-09 10:15:20"), "尊敬的客户，您已成功退订中国移动营销类短信，业务通知类短信不受影响。【中国移动】")
    s.txn(cn("2026-03-01 09:00:11"), "尊敬的客户，您好！您2月份消费61.50元，当前话费余额81.10元。【中国移动】")
    s.txn(cn("2026-03-18 20:30:02"), "尊敬的客户，您本月套餐内通用流量已使用80%，剩余8GB。【中国移动】")
    s.txn(cn("2026-04-01 09:00:06"), "尊敬的客户，您好！您3月份消费58.00元，当前话费余额23.10元，请及时充值。【中国移动】")


def cosmetics(ex):
    """One brand, two ports. R sent to the first; the second keeps marketing
    from 3 days later for eight weeks: the brand opt-out is violated there."""
    x = ex.sender("106905712388", "port", "CN", "花漾美妆", "cosmetics, number A",
                  "brand opt-out R sent here; this number falls silent",
                  expect="opted_out", expect_after=0)
    y = ex.sender("1069057123990731", "port", "CN", "花漾美妆", "cosmetics, number B",
                  "never sent the opt-out itself; markets from 3 days after the "
                  "brand opt-out for eight weeks",
                  expect="violating", expect_after=7)
    r = "拒收请回复R"
    x.mkt(cn("2026-01-13 19:00:40"), "【花漾美妆】冬季补水季：精华水买一送一，会员再享95折，" + r, "R")
    y.mkt(cn("2026-01-25 20:10:13"), "【花漾美妆】年货节彩妆礼盒限量发售，下单即送化妆包，" + r, "R")
    x.mkt(cn("2026-02-04 19:30:57"), "【花漾美妆】情人节限定口红开售\U0001F484，刻字免费，" + r, "R")
    y.mkt(cn("2026-02-12 12:00:24"), "【花漾美妆】情人节前最后一天发货，满299减50，" + r, "R")
    x.mkt(cn("2026-02-26 19:15:32"), "【花漾美妆】春季新品试用装免费领，仅限前500名，" + r, "R")
    x.send(cn("2026-02-26 19:30:08"), "R")
    y.mkt(cn("2026-03-01 20:00:19"), "【花漾美妆】女神节狂欢：全场护肤5折起，" + r, "R")
    y.mkt(cn("2026-03-07 10:00:46"), "【花漾美妆】女神节当天下单加赠小样6件，" + r, "R")
    y.mkt(cn("2026-03-15 19:30:05"), "【花漾美妆】防晒季提前囤，第二件0元，" + r, "R")
    y.mkt(cn("2026-03-24 20:05:38"), "【花漾美妆】会员积分翻倍最后3天，" + r, "R")
    y.mkt(cn("2026-04-02 19:45:11"), "【花漾美妆】清明踏青必备：气垫粉底买一送一，" + r, "R")
    y.mkt(cn("2026-04-12 20:20:27"), "【花漾美妆】您的专属8折券已到账，7天内有效，" + r, "R")
    y.mkt(cn("2026-04-22 19:10:50"), "【花漾美妆】五一囤货节提前开抢，满399减80，" + r, "R")


def subscribed_cn(ex):
    """Marketing the user never answered, one phrasing each."""
    s = ex.sender("1069099663", "port", "CN", "青途旅行", "travel agency",
                  "退订回N; never opted out", expect="subscribed")
    s.mkt(cn("2026-01-09 20:00:35"), "【青途旅行】春节机票早鸟价，上海飞三亚单程399元起，退订回N", "N")
    s.mkt(cn("2026-02-03 19:00:14"), "【青途旅行】春节酒店特惠，热门海岛度假村立减300元，退订回N", "N")
    s.mkt(cn("2026-03-06 12:30:51"), "【青途旅行】清明出游攻略已送达，高铁加酒店套餐低至5折，退订回N", "N")
    s.mkt(cn("2026-04-10 19:30:22"), "【青途旅行】五一机票开抢，会员专享价提前锁定，退订回N", "N")
    s.mkt(cn("2026-04-23 20:00:09"), "【青途旅行】五一最后一波余票提醒，退订回N", "N")

    s = ex.sender("10690201977", "port", "CN", "星幕影城", "cinema",
                  "回 T 退订 with a space, and 回Ｔ退订 with a full-width Ｔ; never opted out",
                  expect="subscribed")
    s.mkt(cn("2026-01-16 17:00:28"), "【星幕影城】周五观影夜：IMAX场次买一送一，回 T 退订", "T")
    s.mkt(cn("2026-02-10 11:00:03"), "【星幕影城】春节档新片预售开启，会员购票立减10元\U0001F3AC，回Ｔ退订", "T")
    s.mkt(cn("2026-03-20 17:30:45"), "【星幕影城】本周末会员日，爆米花套餐半价，回 T 退订", "T")
    s.mkt(cn("2026-04-17 17:00:16"), "【星幕影城】五一档新片抢先看，早鸟票29.9元起，回Ｔ退订", "T")

    s = ex.sender("106575260018", "port", "CN", "力行健身", "gym",
                  "退订回【T】 (keyword in brackets); never opted out", expect="subscribed")
    s.mkt(cn("2026-01-04 10:00:09"), "【力行健身】新年新目标！年卡限时立减800元，再送私教体验课2节，退订回【T】", "T")
    s.mkt(cn("2026-02-24 09:30:41"), "【力行健身】节后减脂营开班，21天打卡返现，退订回【T】", "T")
    s.mkt(cn("2026-03-30 18:00:27"), "【力行健身】春季会员续费享8折，退订回【T】", "T")
    s.mkt(cn("2026-04-20 18:30:02"), "【力行健身】免费体测活动本周开放预约，限前50名，退订回【T】", "T")

    s = ex.sender("1065902183", "port", "CN", "云栖家居", "furniture store",
                  "marketing with no opt-out instruction at all", expect="subscribed")
    s.mkt(cn("2026-01-18 14:00:52"), "【云栖家居】新春焕新季，实木餐桌椅套装直降1200元，到店再送抱枕两个。")
    s.mkt(cn("2026-03-14 10:00:16"), "【云栖家居】3·15品质家居节，全场满5000减800，预约量房享免费设计。")
    s.mkt(cn("2026-04-18 10:30:39"), "【云栖家居】五一家装节提前购，定金100抵500。")


# --------------------------------------------------------------------------
# CN transactional
# --------------------------------------------------------------------------

def transactional_cn(ex):
    s = ex.sender("10690380056", "port", "CN", "菜鸟驿站", "parcel station",
                  "pickup codes (取件码) only", expect="none")
    s.txn(cn("2026-01-07 16:22:05"), "【菜鸟驿站】您的中通包裹已到小区东门菜鸟驿站，请凭取件码 3-2-1045 于1月10日前领取。")
    s.txn(cn("2026-01-16 13:48:37"), "【菜鸟驿站】您的韵达包裹已到小区东门菜鸟驿站，请凭取件码 5-1-2210 于1月19日前领取。")
    s.txn(cn("2026-02-02 17:05:19"), "【菜鸟驿站】您的圆通包裹已到小区东门菜鸟驿站，请凭取件码 2-4-0318 于2月5日前领取。")
    s.txn(cn("2026-03-04 18:31:56"), "【菜鸟驿站】您的中通包裹已到小区东门菜鸟驿站，请凭取件码 1-3-4471 于3月7日前领取。")
    s.txn(cn("2026-03-26 12:10:42"), "【菜鸟驿站】您的申通包裹已到小区东门菜鸟驿站，请凭取件码 4-2-0906 于3月29日前领取。")
    s.txn(cn("2026-04-16 17:56:23"), "【菜鸟驿站】您的中通包裹已到小区东门菜鸟驿站，请凭取件码 6-1-1532 于4月19日前领取。")

    s = ex.sender("95338", "service", "CN", "顺丰速运", "courier",
                  "locker pickup codes only", expect="none")
    s.txn(cn("2026-01-21 15:03:48"), "【顺丰速运】您的快件已由丰巢柜代收，取件码 48213596，请于24小时内取件。")
    s.txn(cn("2026-04-09 11:37:14"), "【顺丰速运】您的快件已由丰巢柜代收，取件码 90357118，请于24小时内取件。")

    s = ex.sender("12306", "service", "CN", "铁路客服", "railway tickets",
                  "ticket confirmations and a departure reminder", expect="none")
    s.txn(cn("2026-01-30 08:02:33"), "【铁路客服】订单E739128406，您已购2月14日G7226次8车12F号，上海虹桥站08:05开。\n请凭购票时所使用的有效身份证件检票乘车。")
    s.txn(cn("2026-01-30 08:05:10"), "【铁路客服】订单E739130277，您已购2月22日G7239次5车3A号，合肥南站13:18开，请凭身份证检票乘车。")
    s.txn(cn("2026-02-13 19:00:05"), "【铁路客服】温馨提示：您乘坐的2月14日G7226次列车08:05开车，检票口A12，请提前到站。")
    s.txn(cn("2026-04-01 21:14:50"), "【铁路客服】订单E812044391，您已购4月4日G7210次3车7C号，上海虹桥站07:40开，请凭身份证检票乘车。")

    s = ex.sender("10690771122", "port", "CN", "和康口腔", "dental clinic",
                  "appointment confirmation and reminder", expect="none")
    s.txn(cn("2026-03-16 14:20:31"), "【和康口腔】您预约的3月21日（周六）10:30洗牙已确认，如需改约请在公众号内操作。")
    s.txn(cn("2026-03-20 18:00:03"), "【和康口腔】温馨提醒：您明天10:30有洗牙预约，请提前10分钟到店。")

    s = ex.sender("1069077455", "port", "CN", "康宁社区医院", "community hospital",
                  "health-check appointment", expect="none")
    s.txn(cn("2026-04-10 09:12:40"), "【康宁社区医院】您已成功预约4月16日上午8:30的年度体检，请空腹前往，携带身份证。")
    s.txn(cn("2026-04-15 17:00:12"), "【康宁社区医院】提醒：明天上午8:30体检，前一晚10点后请勿进食。")

    s = ex.sender("95598", "service", "CN", "国家电网", "electricity utility",
                  "monthly bills", expect="none")
    s.txn(cn("2026-02-12 10:05:27"), "【国家电网】您户号尾号4417的1月电费账单：电量212度，电费131.44元，请于2月28日前缴纳。")
    s.txn(cn("2026-03-12 10:04:51"), "【国家电网】您户号尾号4417的2月电费账单：电量186度，电费115.32元，请于3月31日前缴纳。")
    s.txn(cn("2026-04-13 10:06:08"), "【国家电网】您户号尾号4417的3月电费账单：电量154度，电费95.48元，请于4月30日前缴纳。")

    s = ex.sender("106920055117", "port", "CN", "小鹿记账", "app login codes",
                  "one-time codes (验证码) only", expect="none")
    s.txn(cn("2026-01-11 22:41:17"), "【小鹿记账】验证码：826614，用于登录，5分钟内有效。如非本人操作请忽略。")
    s.txn(cn("2026-02-28 09:15:02"), "【小鹿记账】验证码：290357，用于登录，5分钟内有效。如非本人操作请忽略。")
    s.txn(cn("2026-04-02 23:03:39"), "【小鹿记账】验证码：664081，用于修改密码，5分钟内有效。如非本人操作请忽略。")


def suspicious(ex):
    """Loan bait from a personal mobile (with a link and even an opt-out
    keyword), and a fake bank signature from a mobile. Never reply to these."""
    s = ex.sender("+8617123450987", "mobile", "CN", None, "loan bait from a mobile",
                  "备用金 offer with a link from a personal number; advertises 退订回T, "
                  "which must never be suggested (block and report)",
                  expect="none")
    s.sus(cn("2026-03-11 14:22:09"), "您好，您有一笔备用金额度50,000元待领取，无需征信，当天到账，戳 http://jq8v.top/d7 领取，退订回T", "T", addr="17123450987")
    s.sus(cn("2026-03-19 10:03:44"), "最后提醒：您的备用金50,000元今日失效，马上领取 http://jq8v.top/d7", addr="17123450987")

    s = ex.sender("+8616503217744", "mobile", "CN", None, "fake bank signature from a mobile",
                  "【工商银行】 points-expiry phishing from a personal number; the "
                  "signature is not trusted, so no brand",
                  expect="none")
    s.sus(cn("2026-04-02 09:41:27"), "【工商银行】尊敬的用户，您的账户积分12,860即将清零，请登录 http://icbc-jfdh.cc 兑换现金红包，逾期作废。", addr="+86 165 0321 7744")


# --------------------------------------------------------------------------
# US and international marketing (second SIM, US daytime)
# --------------------------------------------------------------------------

def us_marketing(ex):
    s = ex.sender("38294", "short_code", "US", "FreshCart", "US grocery delivery", sim=2,
                  scenario="Reply STOP to opt out; STOP, confirmed at once; one promo 3 days "
                  "later (inside 10 business days: in flight), then weekly promos from "
                  "3 weeks later",
                  expect="violating", expect_after=6)
    stop = " Reply STOP to opt out"
    s.mkt(et("2026-01-09 11:00:26"), "FreshCart: Welcome offer! $15 off your first grocery delivery over $60 with code FRESH15." + stop, "STOP")
    s.mkt(et("2026-01-21 11:05:03"), "FreshCart: Winter warm-up sale - soups & stews 30% off this week." + stop, "STOP")
    s.mkt(et("2026-01-30 10:50:47"), "FreshCart: Big game snacks delivered in 1 hr. Free delivery on $35+." + stop, "STOP")
    s.mkt(et("2026-02-06 11:10:15"), "FreshCart: Game day is Sunday! Wings, chips & dips up to 40% off." + stop, "STOP")
    s.send(et("2026-02-10 10:02:00"), "STOP")
    s.conf(et("2026-02-10 10:02:07"), "FreshCart: You have been unsubscribed and will receive no further messages. Reply HELP for help.")
    s.mkt(et("2026-02-13 11:00:38"), "FreshCart: Valentine's flowers & chocolate, delivered today." + stop, "STOP")
    s.mkt(et("2026-03-03 11:00:09"), "FreshCart: Spring pantry restock - buy 2 get 1 free." + stop, "STOP")
    s.mkt(et("2026-03-12 11:05:51"), "FreshCart: St. Patrick's Day party packs are here." + stop, "STOP")
    s.mkt(et("2026-03-24 11:00:30"), "FreshCart: $10 off $75 this weekend only." + stop, "STOP")
    s.mkt(et("2026-04-02 10:55:12"), "FreshCart: Easter brunch essentials, 25% off." + stop, "STOP")
    s.mkt(et("2026-04-14 11:00:44"), "FreshCart: We miss you! $20 off your next order." + stop, "STOP")
    s.mkt(et("2026-04-23 11:10:02"), "FreshCart: Earth Week - free reusable bag with every order." + stop, "STOP")

    s = ex.sender("72468", "short_code", "US", "Slice Republic", "US pizza chain", sim=2,
                  scenario="STOP, 'You have opted out… Reply START to resubscribe', START five "
                  "weeks later, resubscribe confirmation, marketing resumes (not a violation)",
                  expect="resubscribed", expect_after=0)
    tail = " Reply HELP for help, STOP to cancel. Msg&data rates may apply."
    s.mkt(et("2026-01-08 17:00:13"), "Slice Republic: Two large 1-topping pizzas for $19.99, carryout only." + tail, "STOP")
    s.mkt(et("2026-01-16 16:45:36"), "Slice Republic: Free garlic knots with any online order over $25 this weekend." + tail, "STOP")
    s.mkt(et("2026-01-23 17:10:02"), "Slice Republic: Snow day? Delivery is free until 9pm." + tail, "STOP")
    s.send(et("2026-01-30 18:20:00"), "STOP")
    s.conf(et("2026-01-30 18:20:06"), "Slice Republic: You have opted out and will no longer receive messages. Reply START to resubscribe.")
    s.send(et("2026-03-06 17:45:00"), "START")
    s.resub_conf(et("2026-03-06 17:45:05"), "Slice Republic: Welcome back! You have been resubscribed to Slice Republic texts. Reply HELP for help, STOP to cancel.")
    s.mkt(et("2026-03-13 17:00:21"), "Slice Republic: Pi Day is tomorrow! $3.14 off any large pizza." + tail, "STOP")
    s.mkt(et("2026-03-27 17:05:48"), "Slice Republic: Game night special - wings + large pizza $24.99." + tail, "STOP")
    s.mkt(et("2026-04-10 17:00:33"), "Slice Republic: Friday deal: any large pizza $9.99." + tail, "STOP")
    s.mkt(et("2026-04-24 17:10:17"), "Slice Republic: New! Detroit-style squares, 20% off launch week." + tail, "STOP")

    s = ex.sender("47701", "short_code", "US", "PeakFit", "US gym chain", sim=2,
                  scenario="Txt STOP to 80808 to end: the reply goes to another number; "
                  "'stop ' (lower case, padded) sent to 80808, which confirms; silence",
                  expect="confirmed", expect_after=0)
    end = " Txt STOP to 80808 to end"
    s.mkt(et("2026-01-05 12:00:18"), "PeakFit: New year, new you! $0 enrollment through Jan 15." + end, "STOP", "80808")
    s.mkt(et("2026-01-19 12:10:40"), "PeakFit: Bring a friend free all week + 20% off personal training." + end, "STOP", "80808")
    s.mkt(et("2026-02-02 12:05:07"), "PeakFit: February challenge starts now - win a free month." + end, "STOP", "80808")
    s.mkt(et("2026-02-16 12:00:52"), "PeakFit: Presidents' Day sale: 3 months for $99." + end, "STOP", "80808")
    t = ex.sender("80808", "short_code", "US", None, "shared short code", sim=2,
                  scenario="opt-out target named by 47701; receives 'stop ' and sends the "
                  "confirmation; never markets",
                  expect="confirmed", expect_after=0)
    t.send(et("2026-02-18 09:30:00"), "stop ")
    t.conf(et("2026-02-18 09:30:12"), "You have been unsubscribed from PeakFit alerts. No more msgs will be sent.")

    s = ex.sender("26180", "short_code", "US", "Threadline", "US clothing store", sim=2,
                  scenario="STOP2END; never opted out", expect="subscribed")
    s.mkt(et("2026-01-14 13:00:05"), "Threadline: Winter clearance - up to 60% off coats & knits. STOP2END", "STOP")
    s.mkt(et("2026-02-11 13:00:29"), "Threadline: Valentine's gift guide is live. Free gift wrap. STOP2END", "STOP")
    s.mkt(et("2026-03-18 13:05:14"), "Threadline: New spring denim. Members get 25% off. STOP2END", "STOP")
    s.mkt(et("2026-04-15 13:00:57"), "Threadline: Trade in old jeans, get $15 off new ones. STOP2END", "STOP")

    s = ex.sender("LUMIAIR", "alphanumeric", "INTL", "LumiAir", "airline (alphanumeric ID)",
                  "alphanumeric sender ID that cannot take replies; names +447700900123 "
                  "as the opt-out target; never opted out",
                  expect="subscribed")
    opt = " To opt out SMS STOP to +44 7700 900123"
    s.mkt(cn("2026-01-22 10:00:31"), "LumiAir: Lunar New Year fares from Shanghai to Singapore from USD 189. Book by 31 Jan." + opt, "STOP", "+447700900123", addr="LumiAir")
    s.mkt(cn("2026-03-04 10:00:12"), "LumiAir: Spring escape - 2-for-1 business class upgrades to Bangkok." + opt, "STOP", "+447700900123", addr="LumiAir")
    s.mkt(cn("2026-04-08 10:00:46"), "LumiAir: Double miles on every April flight. Log in to see your balance." + opt, "STOP", "+447700900123", addr="LumiAir")

    s = ex.sender("862471", "short_code", "US", "Kestrel Bank", "US bank", sim=2,
                  scenario="verification codes and card alerts only", expect="none")
    s.txn(et("2026-01-26 09:14:03"), "Kestrel Bank: Your verification code is 481516. It expires in 10 minutes. Don't share it with anyone.")
    s.txn(et("2026-02-19 21:02:40"), "Kestrel Bank: A $12.99 purchase was made on card ending 2290 at STREAMFLIX. Not you? Call the number on your card.")
    s.txn(et("2026-03-02 08:30:55"), "Kestrel Bank: Your verification code is 230774. It expires in 10 minutes. Don't share it with anyone.")
    s.txn(et("2026-03-19 21:03:12"), "Kestrel Bank: A $12.99 purchase was made on card ending 2290 at STREAMFLIX. Not you? Call the number on your card.")
    s.txn(et("2026-04-13 10:41:29"), "Kestrel Bank: Your verification code is 905163. It expires in 10 minutes. Don't share it with anyone.")


# --------------------------------------------------------------------------
# personal
# --------------------------------------------------------------------------

def family(ex):
    mom = ex.sender("+8613912345678", "mobile", "CN", None, "妈妈 (mother)",
                    "family chat; the number is written three ways", contact="妈妈",
                    expect="none")
    mom.chat(cn("2026-01-04 19:20:00"), [
        (0, "<", "周末回家吃饭吗？你爸买了鱼"),
        (6, ">", "这周加班，下周回"),
        (2, "<", "好，别太累\n记得按时吃饭"),
        (1, ">", "知道啦❤️"),
    ], addr=MOM[0])
    mom.chat(cn("2026-01-09 12:10:00"), [
        (0, "<", "中午吃的什么"),
        (4, ">", "公司食堂，红烧肉"),
        (1, "<", "少吃点肥的\U0001F602"),
    ], addr=MOM[0])
    mom.chat(cn("2026-01-15 21:05:00"), [
        (0, "<", "降温了，多穿点。羽绒服给你寄过去了，注意查收"),
        (15, ">", "收到了，谢谢妈\U0001F618"),
    ], addr=MOM[0])
    mom.chat(cn("2026-01-29 20:30:00"), [
        (0, "<", "春节几号回来？票买了吗"),
        (3, ">", "14号的高铁，早上八点的车"),
        (1, "<", "那让你爸去车站接你"),
        (2, ">", "不用，我打车就行"),
        (1, "<", "那你到了说一声"),
    ], addr=MOM[1])
    mom.chat(cn("2026-02-02 19:50:00"), [
        (0, "<", "你爸血压最近有点高，我带他去医院看了"),
        (2, ">", "医生怎么说？"),
        (3, "<", "没事，开了药，让少吃盐"),
        (1, ">", "那就好，让他按时吃药"),
    ], addr=MOM[1])
    mom.chat(cn("2026-02-14 11:22:00"), [
        (0, ">", "到站了，半小时到家"),
        (1, "<", "好，饺子快包好了\U0001F95F"),
    ], addr=MOM[1])
    mom.chat(cn("2026-02-22 16:40:00"), [
        (0, "<", "到上海了吗？"),
        (8, ">", "到了，刚进门"),
        (1, "<", "带的腊肉记得放冰箱"),
    ], addr=MOM[1])
    mom.chat(cn("2026-03-03 19:30:00"), [
        (0, "<", "元宵节快乐，吃汤圆了吗"),
        (5, ">", "吃了，芝麻馅的"),
    ], addr=MOM[2])
    mom.chat(cn("2026-03-08 09:10:00"), [
        (0, ">", "妈，节日快乐\U0001F339"),
        (3, "<", "谢谢宝贝，今天和你王阿姨去逛公园"),
    ], addr=MOM[2])
    mom.chat(cn("2026-03-25 20:15:00"), [
        (0, "<", "你表姐下个月结婚，5月3号，你能回来吗"),
        (10, ">", "能，我提前请假"),
    ], addr=MOM[2])
    mom.send(cn("2026-04-05 15:32:18"), "今天去植物园了，樱花开得正好\U0001F338",
             addr=MOM[2], mms={"image": (246, 196, 214)})
    mom.chat(cn("2026-04-05 15:40:00"), [(0, "<", "真漂亮！下次带我去")], addr=MOM[2])
    mom.chat(cn("2026-04-12 18:40:00"), [
        (0, "<", "最近老有人打电话说我中奖了，是不是骗子"),
        (2, ">", "是骗子，别理，也别点短信里的链接"),
        (1, "<", "好，我知道了\U0001F44C"),
    ], addr=MOM[2])
    mom.chat(cn("2026-04-25 20:30:00"), [
        (0, "<", "你表姐的红包包多少合适？"),
        (7, ">", "我跟姐商量一下再告诉你"),
        (1, "<", "好，不着急"),
    ], addr=MOM[0])
    mom.chat(cn("2026-04-18 20:05:00"), [
        (0, "<", "你们俩买的按摩仪很好用，肩膀松快多了"),
        (3, ">", "好用就行\U0001F60A"),
    ], addr=MOM[2])

    dad = ex.sender(DAD, "mobile", "CN", None, "爸爸 (father)", "family chat",
                    contact="爸爸", expect="none")
    dad.chat(cn("2026-02-13 20:00:00"), [
        (0, "<", "明天几点到？我去接你"),
        (4, ">", "八点的车，十一点半到，不用接"),
        (1, "<", "好"),
    ])
    dad.chat(cn("2026-04-04 07:30:00"), [
        (0, ">", "爸我出发了"),
        (2, "<", "路上慢点"),
    ])

    sis = ex.sender("+8613564028831", "mobile", "CN", None, "姐姐 (sister)",
                    "family chat and a group MMS to the family", contact="姐姐",
                    expect="none")
    sis.chat(cn("2026-01-20 12:30:00"), [
        (0, "<", "妈生日想送什么？我们一起凑"),
        (5, ">", "按摩仪？她老说肩膀疼"),
        (1, "<", "可以，我来下单，你转我一半"),
        (1, ">", "好的\U0001F44D"),
    ], addr=SIS)
    sis.recv(cn("2026-02-16 19:05:40"),
             "今年在深圳过年，给你们看看我们的年夜饭\U0001F95F 新年快乐！",
             addr=SIS, mms={"image": (196, 30, 58), "group": [MOM[2], DAD],
                            "names": "姐姐, 妈妈, 爸爸"})
    sis.chat(cn("2026-02-16 19:12:00"), [(0, ">", "好丰盛！新年快乐\U0001F389")], addr=SIS)
    sis.chat(cn("2026-04-03 21:00:00"), [
        (0, "<", "清明回去扫墓吗"),
        (2, ">", "回，4号一早走"),
    ], addr=SIS)


def friends_cn(ex):
    lin = ex.sender("+8618621773040", "mobile", "CN", None, "小林 (friend)",
                    "friend; writes '回头你也退了吧' about marketing texts; a draft to "
                    "him is never sent", contact="小林", expect="none")
    a, b = "18621773040", "+86 186 2177 3040"
    lin.chat(cn("2026-01-10 21:30:00"), [
        (0, "<", "周六羽毛球还打吗？"),
        (3, ">", "打！老地方两点"),
        (1, "<", "好，我去订场地"),
    ], addr=a)
    lin.chat(cn("2026-01-17 22:10:00"), [
        (0, "<", "天天收到借钱的短信，烦死了"),
        (2, ">", "我也是，一天好几条"),
        (1, "<", "我把那些推销短信都退订了，清净多了，回头你也退了吧"),
        (3, ">", "好，回头弄一下"),
    ], addr=a)
    lin.chat(cn("2026-02-05 18:20:00"), [
        (0, "<", "年会抽到一台咖啡机哈哈"),
        (1, ">", "欧气！改天去你家蹭咖啡☕"),
    ], addr=a)
    lin.chat(cn("2026-02-17 00:01:00"), [
        (0, "<", "新年快乐！马年大吉\U0001F434\U0001F9E7"),
        (2, ">", "新年快乐！\U0001F389"),
    ], addr=b)
    lin.chat(cn("2026-03-07 11:00:00"), [
        (0, "<", "下午去看展吗，西岸美术馆"),
        (4, ">", "去，三点门口见"),
    ], addr=b)
    lin.chat(cn("2026-03-28 15:00:00"), [
        (0, "<", "明天去公园看樱花吗\U0001F338"),
        (6, ">", "去！几点"),
        (1, "<", "九点地铁站见"),
    ], addr=b)
    lin.chat(cn("2026-04-15 19:45:00"), [
        (0, "<", "那个借钱的短信你退了吗？"),
        (5, ">", "退了，还在发，我准备投诉"),
        (1, "<", "可以打12321举报"),
        (2, ">", "嗯，正在整理截图"),
    ], addr=b)
    lin.draft(cn("2026-04-25 23:10:00"), "周末那个事我再想想，明天答复你", addr=a)

    jie = ex.sender("+8618810236677", "mobile", "CN", None, "阿杰 (friend)",
                    "friend's poll '唱K回T'; the user answers T (personal, never an opt-out)",
                    contact="阿杰", expect="none")
    jie.chat(cn("2026-03-13 21:02:00"), [
        (0, "<", "周六去哪？爬山回S，唱K回T \U0001F602"),
        (2, ">", "T"),
        (1, "<", "就知道你，那我订包厢了"),
    ])
    jie.chat(cn("2026-03-14 22:50:00"), [
        (0, "<", "今天唱得太爽了\U0001F3A4"),
        (3, ">", "下次叫上小林"),
    ])

    boss = ex.sender("+8615021067713", "mobile", "CN", None, "陈经理 (manager)",
                     "work chat", contact="陈经理", expect="none")
    boss.chat(cn("2026-01-08 08:50:00"), [
        (0, "<", "今天9点半的会挪到10点"),
        (2, ">", "收到"),
    ])
    boss.chat(cn("2026-01-27 17:40:00"), [
        (0, "<", "年终总结周五前交给我"),
        (1, ">", "好的"),
    ])
    boss.chat(cn("2026-02-25 09:05:00"), [
        (0, "<", "开工大吉！今天下午把季度计划发我"),
        (3, ">", "好的，三点前发您"),
    ])
    boss.chat(cn("2026-03-05 08:40:00"), [
        (0, ">", "陈经理，我上午请假去医院，下午到公司"),
        (5, "<", "好的，注意身体"),
    ])
    boss.chat(cn("2026-03-17 18:30:00"), [
        (0, "<", "明天出差合肥，高铁票帮我看一下"),
        (6, ">", "7:40那班还有票，已经帮您订好了"),
    ])
    boss.chat(cn("2026-04-08 17:55:00"), [
        (0, "<", "明天评审的材料打印两份带上"),
        (1, ">", "好的，已经打好了"),
    ])
    boss.chat(cn("2026-04-21 13:10:00"), [
        (0, "<", "客户说方案再改一版"),
        (2, ">", "好，今晚改完发您"),
    ])

    landlord = ex.sender("+8613761405529", "mobile", "CN", None, "房东 (landlord)",
                         "personal chat", contact="房东王姐", expect="none")
    landlord.chat(cn("2026-01-23 10:15:00"), [
        (0, "<", "楼上漏水的事物业下午来看，你在家吗？"),
        (4, ">", "下午不在，我跟物业约明天上午吧"),
        (1, "<", "好的"),
    ])
    landlord.chat(cn("2026-04-01 10:00:00"), [
        (0, "<", "下季度的钱这周转我一下哈"),
        (30, ">", "好的，今晚转"),
    ])


def friends_us(ex):
    emily = ex.sender("+19175550123", "mobile", "US", None, "Emily (friend, US)",
                      "friend on the US SIM; 'Don't stop' (not an opt-out); sends a photo MMS",
                      contact="Emily Chen", sim=2, expect="none")
    a, b = "+1 917-555-0123", "+19175550123"
    emily.chat(et("2026-01-12 19:00:00"), [
        (0, "<", "Happy new year!! How's Shanghai? \U0001F60A"),
        (40, ">", "Cold! But the food makes up for it \U0001F602"),
        (2, "<", "Jealous. Send dumpling pics"),
    ], addr=a)
    emily.chat(et("2026-02-16 20:00:00"), [
        (0, "<", "Happy Lunar New Year!! \U0001F434\U0001F9E7"),
        (12, ">", "Thank you!! 新年快乐 \U0001F389"),
    ], addr=a)
    emily.chat(et("2026-02-25 08:30:00"), [
        (0, ">", "Do you still have the recipe for your mom's banana bread?"),
        (20, "<", "Yes! Sending it tonight"),
        (1, "<", "1 cup of flour & 3 bananas... kidding, I'll email it <3"),
    ], addr=b)
    emily.recv(et("2026-03-14 10:30:25"), "Week 6 of half marathon training done \U0001F3C3\u200D\u2640\uFE0F Don't stop me now \U0001F3B6",
               addr=b, mms={"image": (92, 158, 214)})
    emily.chat(et("2026-03-14 10:45:00"), [(0, ">", "Don't stop! You got this \U0001F4AA")], addr=b)
    emily.chat(et("2026-04-09 21:00:00"), [
        (0, "<", "Are you coming to NY in June?"),
        (15, ">", "Trying to! Will know next week"),
        (1, "<", "Yay \U0001F64F"),
    ], addr=b)

    jake = ex.sender("+16465550188", "mobile", "US", None, "Jake (friend, US)",
                     "jokes 'Reply STOP to stop getting cat facts'; the user answers STOP "
                     "(personal, never an opt-out)",
                     contact="Jake Miller", sim=2, expect="none")
    jake.chat(et("2026-02-06 20:14:00"), [
        (0, "<", "Cat fact #11: cats sleep 12-16 hours a day \U0001F63A Reply STOP to stop getting cat facts"),
        (3, ">", "STOP"),
        (1, "<", "lol denied. Cat fact #12: a group of cats is called a clowder"),
    ], addr="+1 646-555-0188")
    jake.chat(et("2026-03-20 18:00:00"), [
        (0, "<", "Did you see the Knicks game?"),
        (30, ">", "Only the highlights, crazy ending"),
    ], addr="+16465550188")
    jake.chat(et("2026-04-18 19:00:00"), [
        (0, "<", "Free this weekend for a call? Want to plan the June trip"),
        (25, ">", "Sunday 9am your time works"),
        (1, "<", "\U0001F44D"),
    ], addr="+16465550188")


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------

README = """# The demo export

`demo-sms.xml` is the sample that `optout demo` imports. It is written by hand
by `scripts/make_demo.py`, which also writes this file and `demo-truth.json`;
do not edit any of the three: change the script and run
`python3 scripts/make_demo.py` (`--check` tells whether they are up to date).

## What it contains

An Android *SMS Backup & Restore* export (`<smses>` with `<sms>` and `<mms>`
records, emoji written as UTF-16 surrogate-pair references such as
`&#55357;&#56832;`, newlines as `&#10;`) of one person's phone from
{first} to {last}: {records} records, of which {delivered} delivered
messages ({incoming} received, {outgoing} sent, {mms} of them MMS including a
group MMS) and {drafts} draft that must be skipped.

The user lives in Shanghai (Chinese SIM, `sub_id="1"`, own number
`{user_cn}`) and keeps a US number on the second SIM (`sub_id="2"`, `{user_us}`);
US senders write during US Eastern daytime. `readable_date` is in the phone's
zone, Asia/Shanghai, which the export does not otherwise record: the truth
below assumes `--tz Asia/Shanghai` (the default region CN applies to numbers
without a country code).

Received messages by kind: {by_kind}.

- **Chinese marketing** from 106 ports and service numbers with a 【签名】 at the
  start or end, in every common opt-out phrasing: 回T退订, 退订回T, 回TD退订,
  退订请回复TD, 回td退订, 回复TDDX退订, 退订回N, 拒收请回复R, 回"T"退订,
  退订回【T】, 回 T 退订, 回Ｔ退订, 回复0000退订 beside 回复KT办理, a menu
  (查看利率回1，申请回2，回T退订), and a sender that states no instruction.
- **US and international marketing**: Reply STOP to opt out; Reply HELP for
  help, STOP to cancel. Msg&data rates may apply; Txt STOP to 80808 to end
  (the reply goes to another number); STOP2END; an alphanumeric sender ID
  that names a UK number for STOP.
- **The user's opt-outs**: `T` (twice), `td`, `TD`, `TDDX`, `R`, `0000`,
  full-width `Ｔ`, `STOP`, `stop ` (padded) and a later `START`, with the
  confirmations that came back; also a `1` to a menu, which is not an opt-out.
- **Not marketing**: OTPs (验证码, verification codes) and card alerts from the
  same bank number as its promotions, pickup codes (取件码), bills, train
  tickets, appointments; family and friends in Chinese and English with emoji,
  a friend's "回头你也退了吧", "Don't stop", a `T` and a `STOP` sent to friends
  as jokes (never an opt-out), a group MMS, and a draft.
- **Suspicious**: loan bait with a link from a personal mobile, which even
  advertises 退订回T (never to be suggested), and a fake 【工商银行】 from a
  mobile.
- Addresses written inconsistently, as phones do: `+86 139 1234 5678`,
  `13912345678` and `+8613912345678` for one contact; `+86106903278812` and
  `106903278812` for one port; `+8695528` and `95528`; `+1 917-555-0123` and
  `+19175550123`; `LumiAir` for the sender key `LUMIAIR`.

## Outcomes

{outcomes}

## Expected `optout senders` (the ground truth)

One row per sender key, in the order of `optout senders --json` (last seen
first). `demo-truth.json` holds the same as the exact expected JSON array
(`senders`) plus the notes in the last column (`notes`). Times are
Asia/Shanghai. *After opt-out + grace* counts this sender's marketing received
after the opt-out that covers it plus the grace period (24 h for Chinese and
international senders, 10 business days for US short codes); *in flight*
counts marketing received inside the grace period.

{table}
## Conventions the truth follows

Where the issues leave a choice, the truth takes the one below; the
docstring of `scripts/sbr.py` is the authoritative list.

- `marketing` counts messages of kind marketing; suspicious messages are their
  own kind. A sender with any suspicious message has kind `suspicious`, status
  `none`, and no brand (its signature is not one a mobile number can carry);
  its advertised keyword is still reported.
- An opt-out reaches every number of the brand: `optout_sent_at` and
  `confirmed_at` are the brand's. The first opt-out since the last resubscribe
  is the one in force; sending it again changes nothing.
- An opt-out sent to a named target (80808) counts for the sender that named
  it, and also for the target itself as for any non-personal number.
- `resubscribed` keeps the earlier opt-out's times; `after_optout` is 0 (not
  null) when there is no opt-out.
- `last_seen` is the latest delivered message with the sender in either
  direction (seconds, +08:00).
- US short codes here never start with 95, 96, 100 or 12, so they cannot be
  mistaken for Chinese service numbers of the same length (95528, 10086,
  12306); they also arrive on the second SIM.
- Drafts are not messages: no alias, no count, no opt-out. An outgoing MMS
  belongs to its recipient, an incoming one to its sender (`type="137"`).
"""


def outcomes(truth) -> str:
    by = collections.defaultdict(list)
    for r in truth["senders"]:
        by[r["status"]].append(r)
    order = ["violating", "confirmed", "opted_out", "resubscribed", "subscribed", "none"]
    lines = []
    for st in order:
        rows = by.get(st, [])
        if not rows:
            continue
        names = ", ".join("`%s`%s" % (r["sender"], " (%s)" % r["brand"] if r["brand"] else "")
                          for r in rows)
        lines.append("- **%s** (%d): %s" % (st, len(rows), names))
    return "\n".join(lines)


def render_readme(ex, truth) -> str:
    msgs = [m for m in ex.messages if m.direction != "draft"]
    kinds = collections.Counter(m.kind for m in msgs if m.incoming)
    ts = sorted(m.ts for m in ex.messages)
    return README.format(
        first=sbr.short_time(ts[0])[:10], last=sbr.short_time(ts[-1])[:10],
        records=len(ex.messages), delivered=len(msgs),
        incoming=sum(m.incoming for m in msgs),
        outgoing=sum(m.direction == "out" for m in msgs),
        mms=sum(bool(m.mms) for m in msgs),
        drafts=sum(m.direction == "draft" for m in ex.messages),
        user_cn=USER_CN, user_us=USER_US,
        by_kind=", ".join("%s %d" % kv for kv in sorted(kinds.items(), key=lambda kv: -kv[1])),
        outcomes=outcomes(truth), table=sbr.truth_table(truth))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the files on disk instead of writing")
    ap.add_argument("--table", action="store_true", help="print the truth table")
    ap.add_argument("--truth", default=os.path.join(ASSETS, "demo-truth.json"),
                    help="where to write the truth JSON (default assets/demo-truth.json)")
    args = ap.parse_args(argv)

    ex = build()
    truth = sbr.compute_truth(ex)
    xml = sbr.render_xml(ex, "0b7d3c1e-2a4f-4c8e-9d60-demo20260426")
    sbr.verify_xml(xml, ex)
    js = sbr.truth_json(ex, truth, "assets/demo-sms.xml", "scripts/make_demo.py")
    readme = render_readme(ex, truth)

    ok = all([sbr.write_or_check(os.path.join(ASSETS, "demo-sms.xml"), xml, args.check),
              sbr.write_or_check(args.truth, js, args.check),
              sbr.write_or_check(os.path.join(ASSETS, "README.md"), readme, args.check)])
    if args.table:
        print(sbr.truth_table(truth))
    n = len(ex.messages)
    assert 250 <= n <= 450, n
    print("demo: %d records, %d senders, %s" % (
        n, len(truth["senders"]),
        dict(collections.Counter(r["status"] for r in truth["senders"]))), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
