"""Hand-written SMS exports with known ground truth (Python 3.11, stdlib only).

Shared by make_demo.py (assets/demo-sms.xml) and make_tracking_fixture.py
(tests/fixtures/tracking/cases.xml). A script declares senders and messages,
each message labelled with what it is (marketing, transactional, opt-out
confirmation, personal, suspicious, outgoing, draft) and, for marketing, the
opt-out instruction it states. From those same objects this module

  * writes the export as SMS Backup & Restore (SyncTech) XML: its attribute
    set and order, <mms> with <parts> and <addrs>, non-BMP characters as
    UTF-16 surrogate-pair character references (&#55357;&#56832;);
  * replays the opt-out rules of the tracking issue (a reference
    implementation, deliberately naive and slow) to compute the expected
    `optout senders --json` output, and checks it against the outcome each
    sender was written to have;
  * renders that truth as JSON and as a Markdown table.

Nothing here is random: the same script gives byte-identical files.

Conventions the truth follows (written down so that tests and code agree):
  * Times are UTC epoch ms in the XML; in the truth they are RFC 3339 in the
    user's zone, Asia/Shanghai (+08:00), which SBR exports do not record.
  * Sender keys: CN mobiles +86…; ports and service numbers as dialled with a
    +86 prefix dropped; US numbers +1…; short codes as they are; alphanumeric
    IDs upper-cased. `aliases` are the raw addresses as written, sorted.
  * Drafts (type 3) are not messages: no alias, no count, no opt-out.
  * An outgoing MMS belongs to its recipient (<addr type="151">), an incoming
    one to its sender (<addr type="137">).
  * `marketing` counts messages whose kind is marketing; a suspicious message
    is its own kind and is not counted there. A sender with any suspicious
    message has kind `suspicious` and status `none` (it is never offered an
    opt-out; the advice is to block and report) and no brand (the signature it
    carries is not one its sender class can legitimately use).
  * An opt-out reaches every sender of the same brand: `optout_sent_at` and
    `confirmed_at` are the brand's (a confirmation from any number of the
    brand, within 7 days). Repeating an opt-out changes nothing: the first one
    since the last resubscribe is the one in force.
  * An opt-out sent to a target number (Txt STOP to 80808) counts for the
    sender that named it. It is also an opt-out for the target itself, as
    for any non-personal number a keyword is sent to: the target is a sender
    of its own (kind transactional when it only confirms), whose status is
    `opted_out`/`confirmed` although it never sent marketing.
  * `resubscribed` keeps the opt-out's time and confirmation in
    `optout_sent_at`/`confirmed_at`; `after_optout` is 0 (the scripts put no
    marketing between the opt-out and the resubscribe).
  * `after_optout` is 0, not null, for senders with no opt-out.
  * `last_seen` is the latest delivered message with the sender, either
    direction, truncated to the second; rows are sorted by it, newest first,
    then by sender key.
  * Grace: 24 h for Chinese and international senders; 10 business days
    (Mon-Fri in US Eastern time, no holiday calendar) for US numbers and short
    codes. The scripts keep every message well clear of the grace boundaries
    (checked), so any sensible reading of "24 h" or "10 business days" agrees.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

HOUR = 3_600_000
DAY = 24 * HOUR
CN_OFFSET = 8 * HOUR  # Asia/Shanghai, no DST
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]

# Kinds a delivered incoming message can have (the classification issue's).
IN_KINDS = {"marketing", "transactional", "optout_confirmation",
            "resubscribe_confirmation", "personal", "suspicious"}

CN_STANDARD = {"T", "TD", "TDDX", "R", "N", "0000", "退订"}
EN_STANDARD = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
               "OPTOUT", "REVOKE"}
RESUBSCRIBE = {"START", "UNSTOP", "YES"}
CONFIRM_WINDOW = 7 * DAY


# --------------------------------------------------------------------------
# time
# --------------------------------------------------------------------------

def _parse_local(s: str) -> int:
    """'2026-03-09 20:11' or '2026-03-09 20:11:05' as if it were UTC, in ms."""
    fmt = "%Y-%m-%d %H:%M:%S" if s.count(":") == 2 else "%Y-%m-%d %H:%M"
    t = dt.datetime.strptime(s, fmt).replace(tzinfo=dt.timezone.utc)
    return int(t.timestamp()) * 1000


def cn(s: str) -> int:
    """Asia/Shanghai local time to UTC epoch ms."""
    return _parse_local(s) - CN_OFFSET


# US Eastern, 2026: EDT from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC.
_EDT_START = _parse_local("2026-03-08 07:00")
_EDT_END = _parse_local("2026-11-01 06:00")


def eastern_offset(utc_ms: int) -> int:
    return -4 * HOUR if _EDT_START <= utc_ms < _EDT_END else -5 * HOUR


def et(s: str) -> int:
    """US Eastern local time (2026 rules) to UTC epoch ms."""
    local = _parse_local(s)
    utc = local + 5 * HOUR
    if eastern_offset(utc) != -5 * HOUR:
        utc = local + 4 * HOUR
    return utc


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)


def readable(ms: int) -> str:
    """SBR's readable_date, in the phone's zone (Asia/Shanghai)."""
    t = _utc(ms + CN_OFFSET)
    h = t.hour % 12 or 12
    return "%s %d, %d %d:%02d:%02d %s" % (
        MONTHS[t.month - 1], t.day, t.year, h, t.minute, t.second,
        "AM" if t.hour < 12 else "PM")


def rfc3339(ms: int | None) -> str | None:
    if ms is None:
        return None
    return _utc(ms + CN_OFFSET).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def short_time(ms: int | None) -> str:
    if ms is None:
        return "—"
    return _utc(ms + CN_OFFSET).strftime("%Y-%m-%d %H:%M")


def weekday_us(ms: int) -> int:
    return _utc(ms + eastern_offset(ms)).weekday()


def business_days_grace_end(ms: int, n: int = 10) -> int:
    """The same clock time on the n-th Mon-Fri day after ms (US Eastern)."""
    day = ms
    counted = 0
    while counted < n:
        day += DAY
        if weekday_us(day) < 5:
            counted += 1
    return day


# --------------------------------------------------------------------------
# addresses and text
# --------------------------------------------------------------------------

def normalise(raw: str) -> str:
    """The sender key the classification issue specifies, for the address
    shapes these scripts write (not a general implementation)."""
    s = re.sub(r"[\s\-().]", "", raw)
    if re.search(r"[A-Za-z]", s):
        return s.upper()
    if s.startswith("+86"):
        rest = s[3:]
        return "+86" + rest if re.fullmatch(r"1[3-9]\d{9}", rest) else rest
    if s.startswith("+"):
        return s
    if re.fullmatch(r"1[3-9]\d{9}", s):
        return "+86" + s
    return s


def fold(text: str) -> str:
    """Trimmed, width-folded (Ｔ = T), upper-cased: how replies are compared."""
    out = []
    for ch in text.strip():
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        elif o == 0x3000:
            ch = " "
        out.append(ch)
    return "".join(out).strip().upper()


# --------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------

@dataclass
class Message:
    ts: int                       # UTC epoch ms
    direction: str                # "in", "out" or "draft"
    addr: str                     # raw address as written in the export
    body: str
    kind: str                     # an IN_KINDS value, "outgoing" or "draft"
    sender: "Sender"
    sim: int = 1                  # 1 = CN SIM, 2 = US SIM
    keyword: str | None = None    # opt-out instruction stated by this message
    target: str | None = None     # its target key when it names another number
    mms: dict | None = None       # {"image": (r, g, b), "group": [raw…]} for MMS

    @property
    def incoming(self) -> bool:
        return self.direction == "in"


@dataclass
class Sender:
    key: str
    cls: str             # port | service | short_code | alphanumeric | mobile
    region: str          # CN | US | INTL: which keyword set and grace apply
    brand: str | None    # ground-truth brand (None for suspicious senders)
    label: str           # who this is, for the README
    contact: str         # contact_name written in the export
    scenario: str        # what this sender was written to show
    expect: str | None = None        # the status it was written to end with
    expect_after: int | None = None  # and its after_optout count
    sim: int = 1
    messages: list[Message] = field(default_factory=list)

    @property
    def personal(self) -> bool:
        return self.cls == "mobile"


class Export:
    """An export being written: senders, then messages in any order."""

    def __init__(self, user_cn: str, user_us: str):
        self.user_cn = user_cn
        self.user_us = user_us
        self.senders: dict[str, Sender] = {}
        self.messages: list[Message] = []

    def sender(self, key, cls, region, brand, label, scenario, *, contact="(Unknown)",
               expect=None, expect_after=None, sim=1) -> "SenderWriter":
        assert key not in self.senders, key
        s = Sender(key, cls, region, brand, label, contact, scenario, expect,
                   expect_after, sim)
        self.senders[key] = s
        return SenderWriter(self, s)

    def add(self, m: Message) -> Message:
        assert normalise(m.addr) == m.sender.key, (m.addr, m.sender.key)
        self.messages.append(m)
        m.sender.messages.append(m)
        return m

    def ordered(self) -> list[Message]:
        return sorted(self.messages, key=lambda m: m.ts)


class SenderWriter:
    """Appends one sender's messages. `addr` picks the raw form (alias)."""

    def __init__(self, ex: Export, s: Sender):
        self.ex = ex
        self.s = s

    @property
    def key(self):
        return self.s.key

    def _msg(self, ts, direction, body, kind, addr=None, **kw):
        return self.ex.add(Message(ts, direction, addr or self.s.key, body, kind,
                                   self.s, kw.pop("sim", self.s.sim), **kw))

    def mkt(self, ts, body, keyword=None, target=None, addr=None):
        """A marketing message; keyword/target = the instruction it states."""
        if keyword is not None:
            assert keyword in fold(body), (keyword, body)
        if target is not None:
            assert target in re.sub(r"[\s\-]", "", body), (target, body)
        return self._msg(ts, "in", body, "marketing", addr, keyword=keyword,
                         target=target)

    def sus(self, ts, body, keyword=None, addr=None):
        return self._msg(ts, "in", body, "suspicious", addr, keyword=keyword)

    def txn(self, ts, body, addr=None):
        return self._msg(ts, "in", body, "transactional", addr)

    def conf(self, ts, body, addr=None):
        return self._msg(ts, "in", body, "optout_confirmation", addr)

    def resub_conf(self, ts, body, addr=None):
        return self._msg(ts, "in", body, "resubscribe_confirmation", addr)

    def recv(self, ts, body, addr=None, mms=None):
        return self._msg(ts, "in", body, "personal", addr, mms=mms)

    def send(self, ts, body, addr=None, mms=None):
        return self._msg(ts, "out", body, "outgoing", addr, mms=mms)

    def draft(self, ts, body, addr=None):
        return self._msg(ts, "draft", body, "draft", addr)

    def chat(self, start, lines, addr=None):
        """A conversation: (minutes after the previous line, '<' in or '>' out,
        text). Returns the time of the last line."""
        t = start
        for i, (gap, way, text) in enumerate(lines):
            t += int(gap * 60_000) + (i * 7919) % 50_000  # human-ish seconds
            if way == "<":
                self.recv(t, text, addr)
            else:
                self.send(t, text, addr)
        return t


# --------------------------------------------------------------------------
# reference tracker: the tracking issue's rules, replayed naively
# --------------------------------------------------------------------------

def _grace_end(s: Sender, optout_ms: int) -> int:
    if s.region == "US":
        return business_days_grace_end(optout_ms)
    return optout_ms + DAY


def _instruction(s: Sender) -> tuple[str | None, str | None]:
    kws = {(m.keyword, m.target) for m in s.messages
           if m.incoming and m.kind in ("marketing", "suspicious") and m.keyword}
    assert len(kws) <= 1, (s.key, kws)  # one instruction per sender, by design
    if not kws:
        return None, None
    kw, target = kws.pop()
    return kw, target or s.key


def compute_truth(ex: Export) -> dict:
    delivered = [m for m in ex.ordered() if m.direction != "draft"]
    instr = {k: _instruction(s) for k, s in ex.senders.items()}

    # Opt-outs and resubscribes attributed to the senders they address.
    actions: dict[str, list[tuple[int, str, Message]]] = {k: [] for k in ex.senders}
    for m in delivered:
        if m.direction != "out":
            continue
        to = m.sender.key
        text = fold(m.body)
        for k, s in ex.senders.items():
            kw, target = instr[k]
            if s.personal or (to != k and to != target):
                continue
            allowed = (CN_STANDARD if s.region == "CN" else EN_STANDARD) | (
                {kw} if kw else set())
            if text in allowed:
                actions[k].append((m.ts, "optout", m))
            elif text in RESUBSCRIBE:
                actions[k].append((m.ts, "resubscribe", m))

    # Brand scope: an action at one number covers the brand.
    by_brand: dict[str, list[str]] = {}
    for k, s in ex.senders.items():
        if s.brand:
            by_brand.setdefault(s.brand, []).append(k)

    def scope(k: str) -> list[str]:
        s = ex.senders[k]
        return by_brand[s.brand] if s.brand else [k]

    rows, notes = [], {}
    for k, s in ex.senders.items():
        mine = [m for m in delivered if m.sender is s]
        incoming = [m for m in mine if m.incoming]
        kw, target = instr[k]
        covering = sorted((a for j in scope(k) for a in actions[j]),
                          key=lambda a: a[0])
        conf_sources = set(scope(k)) | {t for j in scope(k)
                                        for t in [instr[j][1]] if t}
        confirmations = sorted(m.ts for m in delivered if m.incoming and
                               m.kind == "optout_confirmation" and
                               m.sender.key in conf_sources)
        marketing = [m for m in incoming if m.kind == "marketing"]

        # Replay in time order.
        in_force = None        # time of the opt-out in force
        last_optout = None
        confirmed = None
        resubscribed = False
        optout_msg = None
        after = in_flight = 0
        events = [(a[0], 0, a[1], a[2]) for a in covering] + \
                 [(t, 1, "confirmation", None) for t in confirmations] + \
                 [(m.ts, 2, "marketing", m) for m in marketing]
        for ts, _, what, m in sorted(events, key=lambda e: (e[0], e[1])):
            if what == "optout":
                if in_force is None:
                    in_force = last_optout = ts
                    confirmed = None
                    resubscribed = False
                    optout_msg = m
            elif what == "resubscribe":
                if in_force is not None:
                    in_force = None
                    resubscribed = True
            elif what == "confirmation":
                if in_force is not None and confirmed is None and \
                        ts - in_force <= CONFIRM_WINDOW:
                    confirmed = ts
            elif what == "marketing" and in_force is not None:
                end = _grace_end(s, in_force)
                if ts > end:
                    after += 1
                else:
                    in_flight += 1
                _check_clear_of_boundary(s, in_force, ts)

        suspicious = any(m.kind == "suspicious" for m in incoming)
        if suspicious:
            kind = "suspicious"
        elif marketing:
            kind = "marketing"
        elif s.personal:
            kind = "personal"
        else:
            kind = "transactional"

        if suspicious or (not marketing and last_optout is None):
            status = "none"
        elif after:
            status = "violating"
        elif in_force is not None:
            status = "confirmed" if confirmed else "opted_out"
        elif resubscribed:
            status = "resubscribed"
        else:
            status = "subscribed"

        if s.expect is not None:
            assert status == s.expect, (k, status, s.expect)
        if s.expect_after is not None:
            assert after == s.expect_after, (k, after, s.expect_after)

        rows.append({
            "sender": k,
            "aliases": sorted({m.addr for m in mine}),
            "brand": s.brand,
            "kind": kind,
            "received": len(incoming),
            "marketing": len(marketing),
            "optout_keyword": kw,
            "optout_target": target,
            "optout_sent_at": rfc3339(last_optout),
            "optout_manual": False,
            "confirmed_at": rfc3339(confirmed),
            "status": status,
            "after_optout": after,
            "last_seen": rfc3339(max((m.ts for m in mine), default=None)),
        })
        notes[k] = {
            "label": s.label,
            "class": s.cls,
            "grace": "10 business days" if s.region == "US" else "24 h",
            "scenario": s.scenario,
            "optout_text": optout_msg.body if optout_msg else None,
            "optout_sent_to": optout_msg.addr if optout_msg else None,
            "in_flight": in_flight,
            "suspicious": sum(m.kind == "suspicious" for m in incoming),
        }

    last = {r["sender"]: max(m.ts for m in delivered if m.sender.key == r["sender"])
            for r in rows}
    rows.sort(key=lambda r: (-last[r["sender"]], r["sender"]))
    return {"senders": rows, "notes": notes}


def _check_clear_of_boundary(s: Sender, optout: int, ts: int):
    """Marketing after an opt-out must not sit where the reading of the grace
    period could change the verdict."""
    d = ts - optout
    if s.region == "US":
        assert not (11 * DAY < d < 19 * DAY), (s.key, d / DAY)
    else:
        assert not (2 * HOUR < d < 2 * DAY), (s.key, d / HOUR)


# --------------------------------------------------------------------------
# a tiny JPEG: one 8x8 block of a solid colour, baseline, valid
# --------------------------------------------------------------------------

def _huff_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


_DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # standard luminance DC
_DC_VALS = list(range(12))
_AC_BITS = [1] + [0] * 15                                    # only EOB
_AC_VALS = [0x00]


def solid_jpeg(rgb: tuple[int, int, int]) -> bytes:
    r, g, b = rgb
    ycc = [0.299 * r + 0.587 * g + 0.114 * b,
           128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
           128 + 0.5 * r - 0.418688 * g - 0.081312 * b]
    dc_codes = _huff_codes(_DC_BITS, _DC_VALS)
    eob = _huff_codes(_AC_BITS, _AC_VALS)[0]
    bitbuf = []
    for v in ycc:
        dc = int(round(8 * (max(0, min(255, v)) - 128)))  # quantiser 1
        cat = abs(dc).bit_length()
        code, n = dc_codes[cat]
        bitbuf.append(format(code, "0%db" % n))
        if cat:
            bitbuf.append(format(dc if dc > 0 else dc + (1 << cat) - 1, "0%db" % cat))
        bitbuf.append(format(eob[0], "0%db" % eob[1]))
    bits = "".join(bitbuf)
    bits += "1" * (-len(bits) % 8)
    scan = bytearray()
    for i in range(0, len(bits), 8):
        byte = int(bits[i:i + 8], 2)
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0x00)

    def seg(marker, payload):
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    out = bytearray(b"\xff\xd8")
    out += seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += seg(0xDB, b"\x00" + bytes([1] * 64))
    out += seg(0xC0, b"\x08\x00\x08\x00\x08\x03" + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    out += seg(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALS))
    out += seg(0xC4, b"\x10" + bytes(_AC_BITS) + bytes(_AC_VALS))
    out += seg(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
    out += scan + b"\xff\xd9"
    return bytes(out)


# --------------------------------------------------------------------------
# SMS Backup & Restore XML
# --------------------------------------------------------------------------

_ESC = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
        ord('"'): "&quot;", ord("'"): "&apos;", ord("\n"): "&#10;",
        ord("\r"): "&#13;", ord("\t"): "&#9;"}
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def esc(s: str) -> str:
    """Escapes an attribute value the way SBR does, astral characters as two
    surrogate references (invalid XML, but what real exports contain)."""
    def pair(m):
        cp = ord(m.group(0)) - 0x10000
        return "&#%d;&#%d;" % (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF))
    return _ASTRAL.sub(pair, s.translate(_ESC))


_SMIL = ('<smil><head><layout><root-layout/><region id="Image" fit="meet" top="0" '
         'left="0" height="80%" width="100%"/><region id="Text" top="80%" left="0" '
         'height="20%" width="100%" fit="meet"/></layout></head><body><par dur="5000ms">'
         '<img src="{img}" region="Image"/><text src="text_0.txt" region="Text"/>'
         '</par></body></smil>')


def _sms(m: Message) -> str:
    typ = {"in": 1, "out": 2, "draft": 3}[m.direction]
    sent = m.ts - 2000 - (m.ts // 1000 % 5) * 1000 if m.incoming else 0
    return (
        '  <sms protocol="0" address="%s" date="%d" type="%d" subject="null" '
        'body="%s" toa="null" sc_toa="null" service_center="null" read="1" '
        'status="-1" locked="0" date_sent="%d" sub_id="%d" readable_date="%s" '
        'contact_name="%s" />\n' % (
            esc(m.addr), m.ts, typ, esc(m.body), sent, m.sim, readable(m.ts),
            esc(m.sender.contact)))


def _mms(m: Message, n: int, ex: Export) -> str:
    user = ex.user_us if m.sim == 2 else ex.user_cn
    group = m.mms.get("group", [])
    names = m.mms.get("names", m.sender.contact)
    img = _utc(m.ts + CN_OFFSET).strftime("IMG_%Y%m%d_%H%M%S.jpg")
    data = base64.b64encode(solid_jpeg(m.mms["image"])).decode("ascii")
    parts = [
        '      <part seq="-1" ct="application/smil" name="null" chset="null" '
        'cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" '
        'ctt_t="null" text="%s" />\n' % esc(_SMIL.format(img=img)),
        '      <part seq="0" ct="image/jpeg" name="%s" chset="null" cd="null" '
        'fn="null" cid="&lt;%s&gt;" cl="%s" ctt_s="null" ctt_t="null" '
        'text="null" data="%s" />\n' % (img, img[:-4], img, data),
        '      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" '
        'fn="null" cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" '
        'ctt_t="null" text="%s" />\n' % esc(m.body),
    ]
    if m.incoming:
        addrs = [(m.addr, 137), (user, 151)] + [(g, 151) for g in group]
        box, mtype, sent = 1, 132, (m.ts // 1000 - 4) * 1000
    else:
        addrs = [(user, 137), (m.addr, 151)] + [(g, 151) for g in group]
        box, mtype, sent = 2, 128, 0
    address = "~".join([m.addr] + group)
    size = 512 + len(data) * 3 // 4 + len(m.body.encode())
    return (
        '  <mms date="%d" rr="null" sub="null" ct_t="application/vnd.wap.multipart.related" '
        'read_status="null" seen="1" msg_box="%d" address="%s" sub_cs="null" '
        'resp_st="null" retr_st="null" d_tm="null" text_only="0" exp="null" '
        'locked="0" m_id="mms%08d@optout.demo" st="null" retr_txt_cs="null" '
        'retr_txt="null" creator="com.google.android.apps.messaging" date_sent="%d" '
        'read="1" m_size="%d" rpt_a="null" ct_cls="null" pri="null" sub_id="%d" '
        'tr_id="T%011x" resp_txt="null" ct_l="null" m_cls="personal" d_rpt="129" '
        'v="18" _id="%d" m_type="%d" readable_date="%s" contact_name="%s">\n'
        '    <parts>\n%s    </parts>\n    <addrs>\n%s    </addrs>\n  </mms>\n' % (
            m.ts, box, esc(address), n, sent, size, m.sim, m.ts // 1000, n,
            mtype, readable(m.ts), esc(names), "".join(parts),
            "".join('      <addr address="%s" type="%d" charset="106" />\n'
                    % (esc(a), t) for a, t in addrs)))


def render_xml(ex: Export, backup_set: str) -> str:
    msgs = ex.ordered()
    end = msgs[-1].ts + 9 * HOUR + 17_000
    out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n",
           "<!--File Created By SMS Backup & Restore v10.20.002 on %s-->\n" % readable(end),
           '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n',
           '<smses count="%d" backup_set="%s" backup_date="%d" type="full">\n'
           % (len(msgs), backup_set, end)]
    n = 0
    for m in msgs:
        if m.mms:
            n += 1
            out.append(_mms(m, n, ex))
        else:
            out.append(_sms(m))
    out.append("</smses>\n")
    return "".join(out)


def verify_xml(xml: str, ex: Export):
    """Parses the export back (surrogate pairs joined first, as the importer
    does) and checks every record against the model."""
    def join(m):
        hi, lo = int(m.group(1)), int(m.group(2))
        return "&#%d;" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    fixed = re.sub(r"&#(5[5-6]\d{3});&#(5[6-7]\d{3});", join, xml)
    assert "&#55" not in fixed and "&#56" not in fixed, "unpaired surrogate reference"
    root = ET.fromstring(fixed.encode("utf-8"))
    recs = list(root)
    msgs = ex.ordered()
    assert int(root.get("count")) == len(recs) == len(msgs)
    for el, m in zip(recs, msgs):
        assert int(el.get("date")) == m.ts
        if el.tag == "sms":
            assert el.get("body") == m.body and el.get("address") == m.addr
            assert el.get("type") == {"in": "1", "out": "2", "draft": "3"}[m.direction]
        else:
            parts = [p for p in el.iter("part")]
            assert [p.get("ct") for p in parts] == ["application/smil", "image/jpeg",
                                                   "text/plain"]
            assert parts[0].get("seq") == "-1"
            assert parts[2].get("text") == m.body
            base64.b64decode(parts[1].get("data"), validate=True)
            frm = [a.get("address") for a in el.iter("addr") if a.get("type") == "137"]
            to = [a.get("address") for a in el.iter("addr") if a.get("type") == "151"]
            assert (frm[0] if m.incoming else to[0]) == m.addr


# --------------------------------------------------------------------------
# truth as JSON and Markdown
# --------------------------------------------------------------------------

def truth_json(ex: Export, truth: dict, source: str, generator: str) -> str:
    doc = {
        "source": source,
        "generated_by": generator,
        "zone": "Asia/Shanghai",
        "grace": {"CN": "24h", "US": "10 business days (Mon-Fri, US Eastern)",
                  "other": "24h"},
        "messages": {
            "records": len(ex.messages),
            "delivered": sum(m.direction != "draft" for m in ex.messages),
            "drafts": sum(m.direction == "draft" for m in ex.messages),
            "mms": sum(bool(m.mms) for m in ex.messages),
        },
        "senders": truth["senders"],
        "notes": truth["notes"],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _md(s) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def truth_table(truth: dict) -> str:
    head = ("| Sender | Aliases | Brand | Kind | Recv / mkt | Keyword → target "
            "| Opt-out sent | Confirmed | Status | After opt-out + grace "
            "| In flight | Scenario |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for r in truth["senders"]:
        n = truth["notes"][r["sender"]]
        kw = ("`%s` → %s" % (r["optout_keyword"], r["optout_target"])
              if r["optout_keyword"] else "—")
        sent = ("%s `%s`%s" % (short_time(_ms(r["optout_sent_at"])),
                               n["optout_text"],
                               "" if n["optout_sent_to"] is None or
                               normalise(n["optout_sent_to"]) == r["sender"]
                               else " to " + n["optout_sent_to"])
                if r["optout_sent_at"] else "none")
        lines.append("| %s |" % " | ".join(_md(x) for x in [
            "`%s`" % r["sender"], ", ".join("`%s`" % a for a in r["aliases"]),
            r["brand"] or "—", r["kind"], "%d / %d" % (r["received"], r["marketing"]),
            kw, sent, short_time(_ms(r["confirmed_at"])) if r["confirmed_at"] else "none",
            "**%s**" % r["status"], r["after_optout"], n["in_flight"],
            "%s: %s" % (n["label"], n["scenario"])]))
    return head + "\n".join(lines) + "\n"


def _ms(rfc: str) -> int:
    t = dt.datetime.strptime(rfc, "%Y-%m-%dT%H:%M:%S+08:00")
    return int(t.replace(tzinfo=dt.timezone.utc).timestamp()) * 1000 - CN_OFFSET


def write_or_check(path, text: str, check: bool) -> bool:
    """Writes text to path, or with check reports whether it is up to date."""
    if check:
        try:
            with open(path, encoding="utf-8", newline="") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            print("out of date: %s" % path)
        return same
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return True
