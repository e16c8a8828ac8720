#!/usr/bin/env python3
"""Generate a random but valid opsreport record set (issue 7, item 4).

    python3 tests/gen/gen-dataset.py --seed 17 --random-shape -o /tmp/set17
    python3 tests/gen/gen-dataset.py --seed 3 --systems 3 --modules 0 \
        --start 2028-02-29 --months 1 --incidents-per-month 300 -o /tmp/x

The same arguments always give the same bytes.  Every knob is a command-line
option; --random-shape draws each knob that was not given from the seed, so
"--seed N --random-shape" names one shape and one data set.  The chosen shape
is written to SHAPE.txt in the output directory (one knob per line) so a
failing case can be read and reproduced.

The vocabulary (parties, systems, modules, people, texts) is this file's own
and shares no word with the sample contract (samples/records): the harness
greps every rendered page for the sample's words, and any it finds came
from a template.

The records follow ../shared/spec/input-format.md and data/schema/*.rng:
ids unique per kind, every reference resolves, times ordered, every date
within the term (the program allows 366 days either side; the generator
stays inside the term, plus a few days after its end for resolutions and
submissions).  --invalid KIND writes one specific error instead, for the
check-versus-render agreement test.

Standard library only.
"""
import argparse
import datetime as dt
import os
import random
import sys
from xml.sax.saxutils import escape, quoteattr

# --- vocabulary (shares no word with the sample contract) -------------------
PLACES = ["澄江", "松岭", "青禾", "雁湖", "岚山", "石溪", "梧州湾", "白鹭洲", "柏川", "星河"]
CLIENT_UNITS = ["水务信息管理处", "档案馆", "文化旅游局", "住房保障服务所", "统计调查队",
                "气象服务站", "交通运输信息处", "林业和草原事务站"]
VENDOR_NAMES = ["青岚数智服务有限公司", "北辰晓峰信息工程有限公司", "衡远网络运营有限公司",
                "拓川系统集成有限公司", "明湖软件服务有限公司"]
SYSTEM_STEMS = ["档案查询平台", "政务公开门户", "数据共享交换系统", "预约办理系统", "统计填报系统",
                "地理信息服务平台", "移动办事客户端", "电子证照库", "舆情监测系统", "公众留言板"]
MODULES = ["检索引擎", "表单引擎", "身份认证", "消息推送", "报表导出", "地图服务", "附件存储",
           "日志审计", "定时任务", "支付对账", "短信网关", "缓存集群"]
SURNAMES = ["欧阳", "司马", "上官", "诸葛", "皇甫", "尉迟", "公孙", "慕容", "东方", "令狐"]
GIVEN = ["青松", "若溪", "明轩", "子墨", "雨桐", "思远", "晓岚", "嘉禾", "一帆", "知秋", "亦舒", "景行"]
ROLES = ["驻场值守员", "系统管理员", "数据库管理员", "安全分析师", "网络管理员", "项目负责人"]
CHECKS = ["登录页响应", "证书有效期", "磁盘剩余空间", "数据库连接数", "备份完成情况", "接口成功率",
          "队列积压", "中间件线程池", "防篡改校验", "域名解析", "日志轮转", "时钟同步"]
TITLE_WORDS = ["运行保障服务项目", "运营维护服务项目", "平台保障项目"]
TEXT_BITS = ["值班人员发现", "接口返回超时", "数据库主从延迟升高", "证书即将到期", "磁盘使用率超过阈值",
             "已切换至备用节点", "重启中间件后恢复", "补充监控告警规则", "与机房确认线路状态",
             "清理过期日志文件", "调整连接池参数", "核对配置基线", "复测各项功能正常",
             "通知业务处室知悉", "更新值守手册相应章节", "在变更窗口内完成升级", "排查防火墙策略",
             "回滚至上一稳定版本", "扩充存储卷容量", "整理处置记录归档"]
PUNCT = ["，", "，", "；", "。"]
SURVEY_PEOPLE = ["办公室", "业务一处", "业务二处", "信息科"]
ADJUST_RULES = ["attendance", "dress", "procedure", "suggestion-adopted", "cloud-efficiency-rank",
                "daily-satisfaction", "praise", "hazard-found", "night-duty-bonus"]
INVALID_KINDS = ["dup-id", "unknown-system", "time-order", "out-of-term", "bad-ref", "unknown-module",
                 "bad-enum", "no-contract", "bad-payments", "dup-finding-id"]

BJ = dt.timezone(dt.timedelta(hours=8))

# --- helpers -------------------------------------------------------------------


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def iso(d):
    return d.isoformat()


class Gen:
    def __init__(self, a):
        self.a = a
        self.rnd = random.Random(a.seed * 7919 + 1)
        self.files = {}
        self.offset_times = a.offsets

    # times: minutes since the epoch in Beijing time
    def t(self, minute):
        when = dt.datetime(1970, 1, 1, tzinfo=BJ) + dt.timedelta(minutes=minute)
        if self.offset_times and self.rnd.random() < 0.15:
            u = when.astimezone(dt.timezone.utc)
            return u.strftime("%Y-%m-%dT%H:%M") + ("Z" if self.rnd.random() < 0.5 else "+00:00")
        if self.rnd.random() < 0.2:
            return when.strftime("%Y-%m-%dT%H:%M:%S")
        return when.strftime("%Y-%m-%dT%H:%M")

    @staticmethod
    def minute_of(day, hh=0, mm=0):
        base = dt.date(1970, 1, 1)
        return ((day - base).days * 24 + hh) * 60 + mm

    def text(self, lo, hi):
        n = self.rnd.randint(lo, hi)
        out = []
        size = 0
        while size < n:
            b = self.rnd.choice(TEXT_BITS)
            out.append(b)
            out.append(self.rnd.choice(PUNCT))
            size += len(b) + 1
        s = "".join(out)[:max(n, 1)]
        return s.rstrip("，；") + "。"

    def long_text(self):
        return self.text(max(4, self.a.text_length // 4), max(6, self.a.text_length))

    def person(self):
        return self.rnd.choice(SURNAMES) + self.rnd.choice(GIVEN)


def build(a):
    g = Gen(a)
    r = g.rnd
    start = dt.date.fromisoformat(a.start)
    end = add_months(start, a.months) - dt.timedelta(days=1)
    if end < start:
        end = start
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    place = r.choice(PLACES)
    client = place + r.choice(CLIENT_UNITS)
    vendor = r.choice(VENDOR_NAMES)

    # --- contract
    stems = r.sample(SYSTEM_STEMS, a.systems)
    systems = []
    mod_pool = list(MODULES)
    for i, stem in enumerate(stems):
        nmod = a.modules if a.modules >= 0 else r.randint(0, 4)
        if a.modules_vary:
            nmod = r.randint(0, 4)
        mods = [("m%d%d" % (i + 1, k + 1), r.choice(mod_pool)) for k in range(nmod)]
        systems.append({"id": "s%d" % (i + 1), "name": place + stem,
                        "importance": r.choice(["important", "general"]), "modules": mods})
    staff = []
    if a.staff:
        for k in range(r.randint(1, 6)):
            staff.append({"id": "p%d" % (k + 1), "name": g.person(), "role": r.choice(ROLES),
                          "onsite": r.choice(["true", "false"])})
    people = [p["id"] for p in staff] or [g.person() for _ in range(3)]

    c = ['<contract version="1" id="HT-%d-%04d">' % (start.year, a.seed % 10000)]
    if a.title:
        c.append("  <title>%s</title>" % escape(client + r.choice(stems) + r.choice(TITLE_WORDS)))
    if a.client:
        c.append('  <client name=%s representative=%s phone="0571-8%07d"/>'
                 % (quoteattr(client), quoteattr(g.person()), r.randint(0, 9999999)))
    if a.vendor:
        c.append('  <vendor name=%s representative=%s phone="0571-6%07d"/>'
                 % (quoteattr(vendor), quoteattr(g.person()), r.randint(0, 9999999)))
    c.append('  <term start="%s" end="%s"/>' % (iso(start), iso(end)))
    if a.fee:
        total = "%d.%02d" % (r.randint(1, 9999999), r.choice([0, 0, 50, r.randint(0, 99)]))
        split = r.choice([(100,), (80, 20), (30, 40, 30), (50, 50), (70, 30), (90, 10)])
        whens = ["signing", "midterm", "acceptance"] if len(split) == 3 else ["signing", "acceptance"][-len(split):]
        c.append('  <fee total="%s">' % total)
        for p, w in zip(split, whens):
            c.append('    <payment percent="%d" when="%s"/>' % (p, w))
        c.append("  </fee>")
    if r.random() < 0.9:
        c.append('  <sla response-minutes="%d" onsite-minutes="%d" resolve-hours="%d" feedback-minutes="%d" '
                 'failure-rate-max-percent="%s" satisfaction-min-percent="%d" page-inspections-per-day="1" '
                 'server-inspections-per-week="1"/>'
                 % (r.choice([15, 30, 45]), r.choice([60, 120]), r.choice([4, 8, 24]), r.choice([10, 15, 30]),
                    r.choice(["1", "0.5", "2"]), r.choice([90, 95])))
    for s in systems:
        if s["modules"]:
            c.append('  <system id="%s" name=%s importance="%s">' % (s["id"], quoteattr(s["name"]), s["importance"]))
            for mid, mname in s["modules"]:
                c.append('    <module id="%s" name=%s/>' % (mid, quoteattr(mname)))
            c.append("  </system>")
        else:
            c.append('  <system id="%s" name=%s importance="%s"/>' % (s["id"], quoteattr(s["name"]), s["importance"]))
    if a.staff:
        c.append("  <staff>")
        for p in staff:
            c.append('    <person id="%s" name=%s role=%s onsite="%s"/>'
                     % (p["id"], quoteattr(p["name"]), quoteattr(p["role"]), p["onsite"]))
        c.append("  </staff>")
    c.append("</contract>")
    g.files["contract.xml"] = c

    if a.contract_only:
        return g, systems, start, end

    t0 = Gen.minute_of(start)
    t1 = Gen.minute_of(end + dt.timedelta(days=1))  # exclusive

    def rand_minute(lo=t0, hi=t1):
        return r.randrange(lo, max(lo + 1, hi))

    # --- incidents
    incidents = []
    if a.incidents:
        month = dt.date(start.year, start.month, 1)
        seq = 0
        while month <= end:
            nxt = add_months(month, 1)
            lo = max(t0, Gen.minute_of(month))
            hi = min(t1, Gen.minute_of(nxt))
            n = a.incidents_per_month if a.exact_density else r.randint(0, a.incidents_per_month)
            for _ in range(n):
                seq += 1
                s = r.choice(systems)
                rep = rand_minute(lo, hi)
                inc = {"id": "EV-%d-%05d" % (month.year, seq), "system": s, "reported": rep}
                inc["kind"] = r.choice(["fault", "fault", "request", "emergency", "security"])
                inc["level"] = r.choice([None, 1, 2, 3, 4, 4])
                inc["cause"] = r.choice([None, "human", "equipment", "software", "third-party", "external"])
                inc["onsite"] = r.random() < 0.2
                inc["responded"] = None if r.random() < 0.05 else rep + r.randint(0, 90)
                if inc["onsite"] and inc["responded"] is not None:
                    inc["onsite_at"] = inc["responded"] + r.randint(0, 120)
                else:
                    inc["onsite_at"] = None
                inc["resolved"] = None if r.random() < 0.07 else rep + r.randint(5, 60 * 30)
                outs = []
                for _ in range(r.choice([0, 0, 1, 1, 2])):
                    os_ = rep - r.randint(0, 120)
                    oe = os_ + r.randint(0, 600)
                    mod = r.choice(s["modules"])[0] if s["modules"] and r.random() < 0.5 else None
                    outs.append((os_, oe, mod))
                inc["outages"] = outs
                incidents.append(inc)
            month = nxt
        incidents.sort(key=lambda i: i["reported"])
        for k, inc in enumerate(incidents):
            inc["repeat"] = None
            if k and r.random() < 0.05:
                earlier = incidents[r.randrange(0, k)]
                if earlier["reported"] <= inc["reported"]:
                    inc["repeat"] = earlier["id"]
        x = ["<incidents>"]
        for inc in incidents:
            attrs = 'id="%s" system="%s" kind="%s"' % (inc["id"], inc["system"]["id"], inc["kind"])
            if inc["level"]:
                attrs += ' level="%d"' % inc["level"]
            if inc["cause"]:
                attrs += ' cause="%s"' % inc["cause"]
            attrs += ' onsite-required="%s"' % ("true" if inc["onsite"] else "false")
            if inc["cause"] == "human" and r.random() < 0.1:
                imp = r.choice(["serious", "major"])
                attrs += ' impact="%s"' % imp
                if r.random() < 0.5:
                    attrs += ' deduction="%d"' % (r.randint(20, 30) if imp == "serious" else r.randint(40, 50))
            if inc["repeat"]:
                attrs += ' repeat-of="%s"' % inc["repeat"]
            if r.random() < 0.03:
                attrs += ' data-loss="true"'
            x.append("  <incident %s>" % attrs)
            x.append("    <title>%s</title>" % escape(inc["system"]["name"] + g.text(4, 24)))
            x.append('    <reported at="%s" by=%s channel="%s"/>'
                     % (g.t(inc["reported"]), quoteattr(r.choice(people)), r.choice(["phone", "monitoring", "inspection", "mail"])))
            if inc["responded"] is not None:
                x.append('    <responded at="%s" by=%s/>' % (g.t(inc["responded"]), quoteattr(r.choice(people))))
            if inc["onsite_at"] is not None:
                x.append('    <onsite at="%s"/>' % g.t(inc["onsite_at"]))
            if inc["resolved"] is not None:
                x.append('    <resolved at="%s"/>' % g.t(inc["resolved"]))
            for os_, oe, mod in inc["outages"]:
                x.append('    <outage start="%s" end="%s"%s/>' % (g.t(os_), g.t(oe), ' module="%s"' % mod if mod else ""))
            if r.random() < 0.9:
                x.append("    <cause-text>%s</cause-text>" % escape(g.long_text()))
            if r.random() < 0.9:
                x.append("    <action>%s</action>" % escape(g.long_text()))
            if r.random() < 0.4:
                x.append('    <suggestion adopted="%s">%s</suggestion>' % (r.choice(["true", "false"]), escape(g.text(8, 60))))
            if inc["resolved"] is not None and r.random() < 0.8:
                rd = (dt.datetime(1970, 1, 1) + dt.timedelta(minutes=inc["resolved"])).date()
                x.append('    <report submitted="%s"/>' % iso(rd + dt.timedelta(days=r.randint(0, 6))))
            x.append("  </incident>")
        x.append("</incidents>")
        g.files["incidents.xml"] = x

    # --- inspections (one file per month, so that files of one kind merge)
    if a.inspections:
        by_month = {}
        fseq = 0
        for s in systems:
            for d in days:
                if r.random() < a.page_coverage:
                    by_month.setdefault(d.strftime("%Y-%m"), []).append(("page", s, d))
            # one server inspection per ISO week touching the term
            monday = start - dt.timedelta(days=start.weekday())
            while monday <= end:
                wdays = [monday + dt.timedelta(days=k) for k in range(7) if start <= monday + dt.timedelta(days=k) <= end]
                if wdays and r.random() < a.page_coverage:
                    d = r.choice(wdays)
                    by_month.setdefault(d.strftime("%Y-%m"), []).append(("server", s, d))
                monday += dt.timedelta(days=7)
        for ym in sorted(by_month):
            x = ["<inspections>"]
            for kind, s, d in sorted(by_month[ym], key=lambda e: (e[2], e[1]["id"], e[0])):
                at = Gen.minute_of(d, r.randint(0, 23), r.randint(0, 59))
                iid = "%s-%s-%s" % ("PG" if kind == "page" else "SV", s["id"], d.strftime("%Y%m%d"))
                attrs = 'id="%s" kind="%s" system="%s" at="%s"' % (iid, kind, s["id"], g.t(at))
                if r.random() < 0.9:
                    attrs += " inspector=%s" % quoteattr(r.choice(people))
                if r.random() < 0.7:
                    attrs += " reviewer=%s" % quoteattr(r.choice(people))
                x.append("  <inspection %s>" % attrs)
                for name in r.sample(CHECKS, r.randint(0, 5)):
                    res = r.choice(["pass"] * 8 + ["warn", "fail"])
                    extra = ' value="%d%%"' % r.randint(0, 100) if r.random() < 0.6 else ""
                    if res != "pass" and r.random() < 0.7:
                        extra += " note=%s" % quoteattr(g.text(4, 30))
                    x.append('    <check name="%s" result="%s"%s/>' % (name, res, extra))
                nf = 0
                if a.findings_per_inspection:
                    nf = r.randint(0, a.findings_per_inspection) if r.random() < 0.3 or a.exact_density else 0
                    if a.exact_density:
                        nf = a.findings_per_inspection
                for k in range(nf):
                    fseq += 1
                    found = at + r.randint(0, 30)
                    fattrs = 'id="FD-%06d" scope="%s"' % (fseq, r.choice(["in", "in", "out"]))
                    if r.random() < 0.3:
                        fattrs += ' hazard="%s"' % r.choice(["true", "false"])
                    fattrs += ' found="%s"' % g.t(found)
                    if r.random() < 0.9:
                        fattrs += ' reported="%s"' % g.t(found + r.randint(0, 40))
                    if r.random() < 0.8:
                        fattrs += ' resolved="%s"' % g.t(found + r.randint(0, 600))
                    if incidents and r.random() < 0.1:
                        fattrs += ' incident="%s"' % r.choice(incidents)["id"]
                    x.append("    <finding %s>%s</finding>" % (fattrs, escape(g.long_text())))
                x.append("  </inspection>")
            x.append("</inspections>")
            g.files["inspections-%s.xml" % ym] = x

    # --- maintenance
    if a.maintenance:
        x = ["<maintenance>"]
        for _ in range(r.randint(0, 3 * a.months)):
            s = r.choice(systems)
            ws = rand_minute()
            x.append('  <window system="%s" start="%s" end="%s"%s>%s</window>'
                     % (s["id"], g.t(ws), g.t(ws + r.randint(0, 360)),
                        " approved-by=%s" % quoteattr(g.person()) if r.random() < 0.7 else "", escape(g.text(4, 30))))
        x.append("</maintenance>")
        g.files["maintenance.xml"] = x

    # --- deliverables
    if a.deliverables:
        x = ["<deliverables>"]

        def doc(kind, period, due, ref=None):
            if r.random() < 0.15:
                return
            sub = due + dt.timedelta(days=r.randint(-5, 6))
            attrs = 'kind="%s"' % kind
            if period:
                attrs += ' period="%s"' % period
            if ref:
                attrs += ' ref="%s"' % ref
            attrs += ' submitted="%s"' % iso(sub)
            if r.random() < 0.3:
                attrs += ' missing-items="%d" typos="%d" inaccuracies="%d"' % (
                    r.choice([0, 0, 1]), r.randint(0, 12), r.choice([0, 0, 2]))
            if r.random() < 0.1:
                attrs += ' filed="false"'
            x.append("  <document %s/>" % attrs)

        monday = start - dt.timedelta(days=start.weekday())
        while monday <= end:
            y, w, _ = monday.isocalendar()
            doc("weekly", "%d-W%02d" % (y, w), monday + dt.timedelta(days=7))
            monday += dt.timedelta(days=7)
        m = dt.date(start.year, start.month, 1)
        while m <= end:
            doc("monthly", m.strftime("%Y-%m"), add_months(m, 1) + dt.timedelta(days=2))
            if m.month in (1, 4, 7, 10) or m == dt.date(start.year, start.month, 1):
                doc("quarterly", "%d-Q%d" % (m.year, (m.month - 1) // 3 + 1), add_months(m, 3))
            if m.month in (1, 7):
                doc("half-year", "%d-H%d" % (m.year, 1 if m.month == 1 else 2), add_months(m, 6))
            if m.month == 1:
                doc("annual", "%d" % m.year, dt.date(m.year, 12, 30))
            m = add_months(m, 1)
        for inc in incidents:
            if inc["resolved"] is not None and r.random() < 0.5:
                rd = (dt.datetime(1970, 1, 1) + dt.timedelta(minutes=inc["resolved"])).date()
                doc("incident", None, rd + dt.timedelta(days=3), inc["id"])
        for kind in ["emergency-plan", "drill-plan", "asset-list", "guarantee-plan", "inspection-report", "台账"]:
            if r.random() < 0.6:
                doc(kind, None, r.choice(days))
        x.append("</deliverables>")
        g.files["deliverables.xml"] = x

    # --- emergency
    if a.emergency:
        x = ["<emergency>"]
        plans = []
        for k in range(r.randint(0, 2)):
            plans.append("PL-%d" % (k + 1))
            x.append('  <plan id="PL-%d"%s>%s</plan>' % (k + 1, ' approved="%s"' % iso(r.choice(days)) if r.random() < 0.8 else "", escape(g.text(6, 30))))
        if r.random() < 0.7:
            x.append('  <drill-plan id="DRP-1" submitted="%s"/>' % iso(r.choice(days)))
        for k in range(r.randint(0, 3)):
            attrs = 'id="DR-%d"' % (k + 1)
            if plans and r.random() < 0.8:
                attrs += ' plan="%s"' % r.choice(plans)
            sched = r.choice(days)
            attrs += ' scheduled="%s"' % iso(sched)
            if r.random() < 0.8:
                attrs += ' held="%s"' % iso(sched)
                if r.random() < 0.8:
                    attrs += ' report-submitted="%s"' % iso(sched + dt.timedelta(days=r.randint(0, 5)))
            x.append("  <drill %s>%s</drill>" % (attrs, escape(g.text(6, 30))))
        for k in range(r.randint(0, 3)):
            gs = rand_minute()
            x.append('  <guarantee id="GU-%d" start="%s" end="%s" importance="%s"%s>%s</guarantee>'
                     % (k + 1, g.t(gs), g.t(gs + r.randint(60, 60 * 24 * 8)), r.choice(["important", "general"]),
                        ' plan-submitted="%s"' % iso(r.choice(days)) if r.random() < 0.7 else "", escape(g.text(4, 20))))
        x.append("</emergency>")
        g.files["emergency.xml"] = x

    # --- feedback
    if a.feedback:
        x = ["<feedback>"]
        ratings = ["very-satisfied", "satisfied", "basic", "unsatisfied"]
        m = dt.date(start.year, start.month, 1)
        while m <= end:
            mdays = [d for d in days if d.year == m.year and d.month == m.month]
            if a.surveys:
                for _ in range(r.randint(0, 3)):
                    x.append('  <survey date="%s" kind="daily" respondent=%s rating="%s"/>'
                             % (iso(r.choice(mdays)), quoteattr(r.choice(SURVEY_PEOPLE)), r.choice(ratings)))
                if a.overall_surveys > 0 and r.random() < a.overall_surveys:
                    x.append('  <survey date="%s" kind="overall" respondent=%s rating="%s"/>'
                             % (iso(mdays[-1]), quoteattr(g.person()), r.choice(ratings)))
            if r.random() < 0.3:
                x.append('  <complaint date="%s" from="%s">%s</complaint>'
                         % (iso(r.choice(mdays)), r.choice(["important", "general"]), escape(g.long_text())))
            if r.random() < 0.3:
                x.append('  <praise date="%s" from="%s">%s</praise>'
                         % (iso(r.choice(mdays)), r.choice(["important", "general"]), escape(g.text(6, 40))))
            m = add_months(m, 1)
        x.append("</feedback>")
        g.files["feedback.xml"] = x

    # --- assets
    if a.assets:
        x = ["<assets>"]
        ids = ["AS-%03d" % (k + 1) for k in range(r.randint(0, 8))]
        for aid in ids:
            x.append('  <asset id="%s" kind="%s" name=%s/>' % (aid, r.choice(["server", "switch", "storage", "license"]),
                                                              quoteattr(r.choice(SYSTEM_STEMS) + aid[-2:] + "号节点")))
        for _ in range(r.randint(0, 6) if ids else 0):
            conf = r.choice(days)
            x.append('  <change asset="%s" confirmed="%s" recorded="%s">%s</change>'
                     % (r.choice(ids), iso(conf), iso(conf + dt.timedelta(days=r.randint(0, 12))), escape(g.text(4, 30))))
        for _ in range(r.randint(0, 2)):
            x.append('  <inventory date="%s" completed="%s"/>' % (iso(r.choice(days)), r.choice(["true", "false"])))
        if ids and r.random() < 0.3:
            x.append('  <loss asset="%s" date="%s" human="%s"/>' % (r.choice(ids), iso(r.choice(days)), r.choice(["true", "false"])))
        x.append("</assets>")
        g.files["assets.xml"] = x

    # --- tasks
    if a.tasks:
        x = ["<tasks>"]
        for k in range(r.randint(0, 4 * a.months)):
            asg = rand_minute()
            aday = (dt.datetime(1970, 1, 1) + dt.timedelta(minutes=asg)).date()
            due = aday + dt.timedelta(days=r.randint(0, 10))
            attrs = 'id="TK-%04d" assigned="%s" due="%s"' % (k + 1, g.t(asg), iso(due))
            if r.random() < 0.85:
                attrs += ' done="%s"' % iso(aday + dt.timedelta(days=r.randint(0, 14)))
            if r.random() < 0.6:
                attrs += ' feedback="%s"' % g.t(asg + r.randint(60, 60 * 24 * 10))
            if r.random() < 0.8:
                attrs += " by=%s" % quoteattr(g.person())
            x.append("  <task %s>%s</task>" % (attrs, escape(g.text(4, 40))))
        x.append("</tasks>")
        g.files["tasks.xml"] = x

    # --- staffing
    if a.staffing:
        x = ["<staffing>"]
        for _ in range(r.randint(0, 3)):
            d = r.choice(days)
            who = r.choice(people)
            x.append('  <change person=%s date="%s"%s/>'
                     % (quoteattr(who), iso(d), ' notified="%s"' % iso(d - dt.timedelta(days=r.randint(0, 40))) if r.random() < 0.8 else ""))
        for _ in range(r.randint(0, 2)):
            d = r.choice(days)
            x.append('  <vacancy role=%s start="%s" end="%s"/>' % (quoteattr(r.choice(ROLES)), iso(d), iso(d + dt.timedelta(days=r.randint(0, 9)))))
        x.append("</staffing>")
        g.files["staffing.xml"] = x

    # --- adjustments
    if a.adjustments:
        x = ["<adjustments>"]
        for _ in range(r.randint(0, 5)):
            pts = r.choice(["+1", "-1", "+0.5", "-2", "+5", "-0.5", "3"])
            x.append('  <adjustment rule="%s" date="%s" points="%s"%s>%s</adjustment>'
                     % (r.choice(ADJUST_RULES), iso(r.choice(days)), pts,
                        " by=%s" % quoteattr(g.person()) if r.random() < 0.8 else "", escape(g.text(6, 40))))
        x.append("</adjustments>")
        g.files["adjustments.xml"] = x

    # --- probes: one system, a stretch of samples at a coarse interval
    if a.probes:
        s = r.choice(systems)
        interval = r.choice([300, 600, 900])
        first = Gen.minute_of(r.choice(days))
        x = ['<probes system="%s" target="https://%s.example.org/" interval="%d">' % (s["id"], s["id"], interval)]
        tm = first * 60
        for _ in range(r.randint(1, 3000)):
            if tm >= t1 * 60:
                break
            when = dt.datetime(1970, 1, 1, tzinfo=BJ) + dt.timedelta(seconds=tm)
            ok = 0 if r.random() < 0.02 else 1
            x.append('  <p t="%s" ok="%d" ms="%d"%s/>' % (when.strftime("%Y-%m-%dT%H:%M:%S"), ok, r.randint(20, 3000),
                                                         ' code="timeout"' if not ok else ""))
            tm += interval
        x.append("</probes>")
        g.files["probes-%s.xml" % s["id"]] = x

    return g, systems, start, end


def inject(g, a, systems, start):
    """Write one specific error into an otherwise valid set."""
    kind = a.invalid
    inc = ('  <incident id="BAD-1" system="%s" kind="fault"><reported at="%sT10:00"/>%s</incident>')
    day = iso(start)
    lines = None
    if kind == "dup-id":
        lines = [inc % (systems[0]["id"], day, ""), inc % (systems[0]["id"], day, "")]
    elif kind == "unknown-system":
        lines = [inc % ("nosuch", day, "")]
    elif kind == "time-order":
        lines = [inc % (systems[0]["id"], day, '<resolved at="%sT09:00"/>' % day)]
    elif kind == "out-of-term":
        lines = [inc % (systems[0]["id"], iso(start - dt.timedelta(days=800)), "")]
    elif kind == "unknown-module":
        lines = [inc % (systems[0]["id"], day, '<outage start="%sT09:00" end="%sT09:30" module="nosuch"/>' % (day, day))]
    elif kind == "bad-ref":
        g.files["zz-invalid-inspections.xml"] = [
            "<inspections>",
            '  <inspection id="BAD-INSP" kind="page" system="%s" at="%sT09:00">' % (systems[0]["id"], day),
            '    <finding id="BAD-F" scope="in" found="%sT09:00" incident="NOPE-1">x</finding>' % day,
            "  </inspection>", "</inspections>"]
    elif kind == "dup-finding-id":
        g.files["zz-invalid-inspections.xml"] = [
            "<inspections>",
            '  <inspection id="BAD-INSP" kind="page" system="%s" at="%sT09:00"/>' % (systems[0]["id"], day),
            '  <inspection id="BAD-INSP" kind="server" system="%s" at="%sT09:00"/>' % (systems[0]["id"], day),
            "</inspections>"]
    elif kind == "bad-enum":
        g.files["zz-invalid-feedback.xml"] = [
            "<feedback>", '  <survey date="%s" kind="daily" rating="delighted"/>' % day, "</feedback>"]
    elif kind == "no-contract":
        del g.files["contract.xml"]
    elif kind == "bad-payments":
        c = g.files["contract.xml"]
        i = next(k for k, l in enumerate(c) if l.startswith("  <term "))
        if not any(l.startswith("  <fee") for l in c):
            c.insert(i + 1, '  <fee total="100.00"><payment percent="60" when="signing"/></fee>')
        else:
            for k, l in enumerate(c):
                if l.startswith("    <payment"):
                    c[k] = '    <payment percent="1" when="signing"/>'
                    break
            else:
                c.insert(i + 1, '  <fee total="100.00"><payment percent="60" when="signing"/></fee>')
    if lines:
        g.files["zz-invalid-incidents.xml"] = ["<incidents>"] + lines + ["</incidents>"]


SHAPE_KNOBS = ["start", "months", "systems", "modules", "modules_vary", "title", "client", "vendor", "fee", "staff",
               "contract_only", "inspections", "incidents", "maintenance", "deliverables", "emergency", "feedback",
               "surveys", "overall_surveys", "assets", "tasks", "staffing", "adjustments", "probes",
               "incidents_per_month", "findings_per_inspection", "page_coverage", "text_length", "offsets",
               "exact_density"]
BOOL_KNOBS = ["title", "client", "vendor", "fee", "staff", "inspections", "incidents", "maintenance", "deliverables",
              "emergency", "feedback", "surveys", "assets", "tasks", "staffing", "adjustments", "probes", "offsets"]


def draw_shape(a, given):
    """Fill every knob not given on the command line from the seed."""
    r = random.Random(a.seed)
    # forced edge cases first: a quarter of the shapes start on the 29th-31st,
    # some on 29 February 2028
    def start():
        p = r.random()
        if p < 0.08:
            return "2028-02-29"
        if p < 0.35:
            while True:
                y, m, d = r.randint(2025, 2028), r.randint(1, 12), r.choice([29, 30, 31])
                try:
                    return dt.date(y, m, d).isoformat()
                except ValueError:
                    continue
        return (dt.date(2025, 1, 1) + dt.timedelta(days=r.randint(0, 4 * 365))).isoformat()
    draws = {
        "start": start,
        "months": lambda: r.choice([1, 1, 2, 3, 5, 6, 7, 12, 13, 18, 24]),
        "systems": lambda: r.randint(1, 6),
        "modules": lambda: r.randint(0, 4),
        "modules_vary": lambda: r.random() < 0.5,
        "contract_only": lambda: r.random() < 0.08,
        "overall_surveys": lambda: r.choice([0.0, 0.0, 0.3, 1.0]),
        "incidents_per_month": lambda: r.choice([0, 1, 3, 8, 20, 60, 300]),
        "findings_per_inspection": lambda: r.choice([0, 1, 2, 5, 20]),
        "page_coverage": lambda: r.choice([1.0, 1.0, 0.95, 0.6, 0.0]),
        "text_length": lambda: r.choice([10, 40, 200, 1000, 3000]),
        "exact_density": lambda: r.random() < 0.2,
    }
    for k in SHAPE_KNOBS:
        if k in given:
            continue
        if k in draws:
            setattr(a, k, draws[k]())
        elif k in BOOL_KNOBS:
            setattr(a, k, r.random() < 0.75)
    # keep generated sets bounded: heavy densities only on short terms
    if "incidents_per_month" not in given and a.months * a.incidents_per_month > 1200:
        a.incidents_per_month = max(1, 1200 // a.months)
    if "findings_per_inspection" not in given and a.findings_per_inspection * a.months > 60:
        a.findings_per_inspection = max(1, 60 // a.months)
    if "text_length" not in given and a.text_length > 200 and a.incidents_per_month * a.months > 100:
        a.text_length = 200


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-o", "--out", required=True, help="output directory (created; existing *.xml removed)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--random-shape", action="store_true", help="draw every knob not given from the seed")
    p.add_argument("--start", default="2026-03-01", help="term start YYYY-MM-DD")
    p.add_argument("--months", type=int, default=3, help="term length in months (1-24)")
    p.add_argument("--systems", type=int, default=2, help="1-6")
    p.add_argument("--modules", type=int, default=2, help="modules per system 0-4")
    p.add_argument("--modules-vary", action=argparse.BooleanOptionalAction, default=False,
                   help="each system draws its own module count 0-4")
    for k in ["title", "client", "vendor", "fee", "staff"]:
        p.add_argument("--" + k, action=argparse.BooleanOptionalAction, default=True, help="contract part present")
    p.add_argument("--contract-only", action=argparse.BooleanOptionalAction, default=False)
    for k in ["inspections", "incidents", "maintenance", "deliverables", "emergency", "feedback", "surveys",
              "assets", "tasks", "staffing", "adjustments", "probes"]:
        p.add_argument("--" + k, action=argparse.BooleanOptionalAction, default=True, help="record kind present")
    p.add_argument("--overall-surveys", type=float, default=1.0,
                   help="chance that a month has a kind=\"overall\" survey (0 = never)")
    p.add_argument("--incidents-per-month", type=int, default=5, help="at most (or exactly, --exact-density) 0-300")
    p.add_argument("--findings-per-inspection", type=int, default=1)
    p.add_argument("--exact-density", action=argparse.BooleanOptionalAction, default=False)
    p.add_argument("--page-coverage", type=float, default=1.0, help="share of days/weeks inspected, 0-1")
    p.add_argument("--text-length", type=int, default=40, help="longest free text in characters")
    p.add_argument("--offsets", action=argparse.BooleanOptionalAction, default=True,
                   help="write some times in UTC (Z, +00:00) and with seconds")
    p.add_argument("--invalid", choices=INVALID_KINDS, help="inject one error of this kind")
    argv = sys.argv[1:]
    a = p.parse_args(argv)
    given = set()
    for arg in argv:
        if arg.startswith("--"):
            name = arg[2:].split("=")[0]
            if name.startswith("no-"):
                name = name[3:]
            given.add(name.replace("-", "_"))
    if a.random_shape:
        draw_shape(a, given)
    if not 1 <= a.systems <= 6 or not 1 <= a.months <= 24 or not -1 <= a.modules <= 4:
        p.error("--systems 1-6, --months 1-24, --modules 0-4")
    g, systems, start, end = build(a)
    if a.invalid:
        inject(g, a, systems, start)
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith(".xml"):
            os.remove(os.path.join(a.out, f))
    for name, lines in g.files.items():
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as fh:
            fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                     '<!-- generated by tests/gen/gen-dataset.py (seed %d; the knobs are in SHAPE.txt) -->\n' % a.seed)
            fh.write("\n".join(lines) + "\n")
    with open(os.path.join(a.out, "SHAPE.txt"), "w", encoding="utf-8") as fh:
        for k in SHAPE_KNOBS:
            fh.write("%s=%s\n" % (k, getattr(a, k)))
        fh.write("term=%s..%s\n" % (start, end))
        if a.invalid:
            fh.write("invalid=%s\n" % a.invalid)


if __name__ == "__main__":
    main()
