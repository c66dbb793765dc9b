"""The efficiency indicators at city scale (issue #13): the leader's overview and a department drill-down read from
the daily figures, on PostgreSQL with 10,000,000 cases, each beside the same figures counted straight from the cases
in the same run (insights.counting.count_cases, what the daily rows are rebuilt from).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_insights PYTHONPATH=src \\
        .venv/bin/python bench/bench_insights_scale.py [--cases 10000000] [--days 730] [--repeat 10] [--reload]

The loader fills a dedicated database in SQL, without the ORM: reused when it already holds --cases cases and their
daily figures, otherwise dropped and rebuilt: schema, the reference organisation and catalog and the demo personas
(as the test database loads them), two window clerks per window and 20,000 applicants, then the cases by
`INSERT … SELECT generate_series` from staging tables (the server generates the rows, nothing crosses the socket):
- receipt: over the --days days before the load, working days (the city's calendar) 12 times as heavy as rest days,
  08:30–17:30 local; ids numbered in the order received, as a live table's are;
- the reference catalog's 120 implementations (city, 海珠区, 天河区), skewed; the case's region, department, item,
  version and limits are the implementation's; channel 85 % online, 13 % at a window (a window of the region's
  centres, the department's own window when it has one, one of its two clerks), 2 % 上门代办 in 海珠区;
- 10 % a correction notice (一次告知) and acceptance the day the correction came; otherwise accepted the day of
  receipt (60 %) or 1–3 working days later; 2 % refused, 1 % withdrawn; 3 % of the others suspended 3–17 working
  days; 90 % decided after 10–95 % of the promised working days (即办 the same day), 8 % on the due day, 2 % 1–3
  working days late; due dates counted on the same working-day calendar; 96 % granted; delivered online, by post
  or at a window;
- ratings for 30 % of the decided cases within 3 days (5: 78 %, 4: 14 %, 3: 4 %, 2: 2.5 %, 1: 1.5 %), each bad one
  with a rectification, 90 % answered; a queue ticket for every window case, a second one when it came back with
  corrections; 督办 for 0.5 % of accepted cases;
- materials: the version's required materials for every case (--materials-share to store them for fewer), 共享 and
  电子证照 ones mostly drawn (免提交).
Then the daily figures are filled by the real rebuild (insights.services._rebuild_day, every day, in two processes);
the seconds per day are the worker's incremental cost.

Measured, each --repeat times after one untimed call, p50/p95 (wall clock; CPU of this process and of its backend):
1. the leader's overview of the city (440100) for the last full month, quarter and year: selectors.counts + trend +
   breakdown(by="region") + breakdown(by="department"), as the public (actor None) and as gz-supervisor (restrict());
2. a drill-down into 海珠区's busiest department for the month and the year: counts + trend + breakdown(by="item"),
   as the public and as the department's head;
beside each, count_cases(group=(), by_day=False) over the same scope and period, once (it reads every case), and
for the month the two must agree: every counter (floats within 1e-9 relative) and so every indicator;
3. the last --rebuild-sample days rebuilt again, alone: the worker's cost per day;
4. with --probe-rollup, the same selectors over the daily rows summed without centre, window and staff (by day, and
   by month for the quarter and the year), put in the daily table's place inside a transaction rolled back.
When a figure misses 1 s, the EXPLAIN ANALYZE of its slowest query is printed (a custom plan: a generic plan that
a prepared statement switched to shows only in the timings).
"""

import argparse
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import catalog_database

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/yiwang_bench_insights"
TARGET_S = 1.0
SLOTS = 100_000  # the receipt day's draw: each day holds slots in proportion to its weight
REST_DAY_WEIGHT = 1 / 12
APPLICANTS = 20_000


# --- the loader ---------------------------------------------------------------------------------------------------


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.config.settings.dev"
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def _held(url: str) -> tuple[int, int] | None:
    """(cases, daily figure rows) the database holds; None when it does not exist or has no insights table."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
            return cases, conn.execute("SELECT count(*) FROM insights_dailyfigure").fetchone()[0]
    except psycopg.Error:
        return None


CALENDAR = """
CREATE UNLOGGED TABLE bench_day (d date PRIMARY KEY, work boolean, wdi int, weight float8);
CREATE UNLOGGED TABLE bench_wd (wdi int PRIMARY KEY, d date);
"""

# Every case's draws, then its dates: wdi is a day's count of working days up to it, so "n working days after a
# date" is bench_wd[wdi + n] and working_days_between(a, b) is wdi(b) - wdi(a), as core.calendar counts them.
STAGE = """
CREATE UNLOGGED TABLE bench_stage AS
WITH draw AS (
    SELECT g, random() AS r_day, random() AS r_time, random() AS r_impl, random() AS r_chan, random() AS r_win,
           random() AS r_staff, random() AS r_app, random() AS r_fate, random() AS r_acc, random() AS r_corr,
           random() AS r_used, random() AS r_susp, random() AS r_grant, random() AS r_deliv, random() AS r_rate,
           random() AS r_score, random() AS r_lag, random() AS r_rect, random() AS r_sup, random() AS r_dec,
           random() AS r_mat, random() AS r_ent, random() AS r_keep
    FROM generate_series(1, %(cases)s) g
), placed AS (
    SELECT d.*, s.d AS received_on, i.impl_id, i.item_id, i.version_id, i.department_id, i.region_id,
           i.region_code, i.promised, i.statutory, i.haizhu,
           CASE WHEN d.r_chan < 0.85 THEN 'online' WHEN d.r_chan < 0.98 OR NOT i.haizhu THEN 'window'
                ELSE 'home' END AS channel
    FROM draw d
    JOIN bench_slot s ON s.s = floor(d.r_day * %(slots)s)::int
    JOIN bench_impl i ON i.i = floor(power(d.r_impl, 2.0) * %(impls)s)::int
), windowed AS (
    SELECT p.*,
           CASE WHEN p.channel = 'window' THEN coalesce(CASE WHEN p.r_win < 0.7 THEN wd.id END, wg.id) END AS window_id
    FROM placed p
    LEFT JOIN bench_win wd ON wd.region_id = p.region_id AND wd.department_id = p.department_id AND NOT wd.general
    LEFT JOIN bench_win wg ON wg.region_id = p.region_id AND wg.general AND wg.i = floor(p.r_win * wg.n)::int
)
SELECT w.*, (w.received_on + time '08:30' + make_interval(secs => w.r_time * 32400)) AT TIME ZONE %(zone)s AS created,
       b.wdi AS received_wdi, b.work AS received_work, w.r_corr < 0.10 AS corrected,
       CASE WHEN w.r_fate < 0.02 THEN 'refused' WHEN w.r_fate < 0.03 THEN 'withdrawn' ELSE 'accepted' END AS fate,
       CASE WHEN w.promised > 0 AND w.r_susp < 0.03 THEN 3 + floor(w.r_susp * 500)::int ELSE 0 END AS susp,
       CASE WHEN w.r_used >= 0.98 THEN w.promised + 1 + floor((w.r_used - 0.98) * 150)::int
            WHEN w.r_used >= 0.90 OR w.promised = 0 THEN w.promised
            ELSE floor(w.promised * (0.10 + w.r_used / 0.90 * 0.85))::int END AS used
FROM windowed w JOIN bench_day b ON b.d = w.received_on
"""

DATES = """
CREATE UNLOGGED TABLE bench_dates AS
WITH acc AS (
    SELECT s.*,
           CASE WHEN s.corrected THEN s.received_wdi + 2 + floor(s.r_acc * 4)::int END AS corrected_wdi,
           s.received_wdi + CASE WHEN s.corrected THEN 2 + floor(s.r_acc * 4)::int
                                 WHEN s.r_acc < 0.6 THEN CASE WHEN s.received_work THEN 0 ELSE 1 END
                                 ELSE 1 + floor((s.r_acc - 0.6) / 0.4 * 3)::int END AS accept_wdi
    FROM bench_stage s
)
SELECT a.g, a.corrected_wdi, a.accept_wdi, c.d AS corrected_on, ac.d AS accept_day,
       ad.d AS acceptance_due, du.d AS due_day, sd.d AS statutory_due_day, dd.d AS decide_day,
       CASE WHEN a.susp > 0 THEN ss.d END AS susp_start, CASE WHEN a.susp > 0 THEN se.d END AS susp_end
FROM acc a
LEFT JOIN bench_wd c ON c.wdi = a.corrected_wdi
JOIN bench_wd ac ON ac.wdi = a.accept_wdi
JOIN bench_wd ad ON ad.wdi = a.received_wdi + 5
JOIN bench_wd du ON du.wdi = a.accept_wdi + a.promised + a.susp
JOIN bench_wd sd ON sd.wdi = a.accept_wdi + a.statutory + a.susp
JOIN bench_wd dd ON dd.wdi = a.accept_wdi + a.used + a.susp
JOIN bench_wd ss ON ss.wdi = a.accept_wdi + a.used / 2
JOIN bench_wd se ON se.wdi = a.accept_wdi + a.used / 2 + a.susp
"""

# t0's local date: anything on or after it has not happened yet.
CASES_TABLE = """
CREATE UNLOGGED TABLE bench_case AS
WITH timed AS (
    SELECT s.*, d.corrected_on, d.acceptance_due, d.susp_start, d.susp_end,
           CASE WHEN s.corrected AND d.corrected_on >= %(today)s THEN NULL ELSE d.corrected_on END AS corrected_done,
           CASE WHEN s.fate = 'accepted' AND d.accept_day < %(today)s THEN d.accept_day END AS accepted_on,
           d.due_day, d.statutory_due_day,
           (d.decide_day + time '09:00' + make_interval(secs => s.r_dec * 30600)) AT TIME ZONE %(zone)s AS decide_at
    FROM bench_stage s JOIN bench_dates d ON d.g = s.g
)
SELECT row_number() OVER (ORDER BY t.created, t.g) AS id, t.*,
       CASE WHEN t.accepted_on IS NOT NULL AND t.decide_at < %(t0)s THEN t.decide_at END AS decided_at,
       CASE WHEN t.channel = 'home' THEN %(grid_worker)s ELSE k.user_id END AS staff_id,
       a.person_id, a.user_id AS applicant_user, e.id AS entity_id
FROM timed t
JOIN bench_applicant a ON a.i = floor(t.r_app * %(applicants)s)::int
LEFT JOIN bench_clerk k ON k.window_id = t.window_id AND k.k = floor(t.r_staff * 2)::int
LEFT JOIN bench_entity e ON t.r_ent < 0.25 AND e.i = floor(t.r_ent / 0.25 * %(entities)s)::int
"""

CASES = """
INSERT INTO cases_case (id, number, channel, delivery_method, status, form_data, idempotency_key, received_on,
    acceptance_due, deemed_accepted, accepted_on, promised_days, statutory_days, extension_days, suspended_days,
    suspended_since, due_on, statutory_due_on, due_provisional, warning, decided_at, decision_reasons, result_data,
    delivered_at, closed_reason, created_at, updated_at, applicant_entity_id, applicant_person_id, department_id,
    implementation_id, intake_window_id, item_id, process_id, region_id, submitted_by_id, version_id, granted,
    green_channel, delivery_address, delivery_due, delivery_phone, delivery_recipient, pickup_center_id,
    proposal_reasons, proposed_at, proposed_by_id, proposed_grant, query_code, tracking_number, corrected_on)
SELECT c.id, c.region_code || '-' || to_char(c.received_on, 'YYYYMMDD') || '-' || lpad(c.id::text, 8, '0'),
    c.channel, c.delivery, c.status, '{}', '', c.received_on, c.acceptance_due, false, c.accepted_on, c.promised,
    c.statutory, 0, CASE WHEN c.decided_at IS NOT NULL THEN c.susp ELSE 0 END,
    CASE WHEN c.status = 'suspended' THEN c.susp_start END,
    CASE WHEN c.accepted_on IS NOT NULL THEN c.due_day END,
    CASE WHEN c.accepted_on IS NOT NULL THEN c.statutory_due_day END, false,
    CASE WHEN c.decided_at IS NULL AND c.accepted_on IS NOT NULL AND c.due_day < %(today)s THEN 'red'
         ELSE 'green' END,
    c.decided_at, '', '{}',
    CASE WHEN c.status = 'delivered' THEN c.decided_at + interval '1 day' END,
    CASE WHEN c.status = 'refused' THEN '材料不符合法定形式' WHEN c.status = 'withdrawn' THEN '申请人撤回' ELSE '' END,
    c.created, least(coalesce(c.decided_at + CASE WHEN c.status = 'delivered' THEN interval '1 day'
                                              ELSE interval '0' END, c.created), %(t0)s),
    c.entity_id, CASE WHEN c.entity_id IS NULL THEN c.person_id END, c.department_id, c.impl_id, c.window_id,
    c.item_id, NULL, c.region_id, coalesce(c.staff_id, c.applicant_user), c.version_id,
    CASE WHEN c.decided_at IS NOT NULL THEN c.r_grant < 0.96 END, false, '', NULL, '', '', NULL, '', NULL, NULL,
    NULL, lpad(floor(c.r_mat * 1000000)::int::text, 6, '0'), '', c.corrected_done
FROM (
    SELECT b.*,
        CASE WHEN b.channel = 'home' OR b.r_deliv < 0.2 THEN 'post' WHEN b.r_deliv < 0.8 THEN 'online'
             ELSE 'window' END AS delivery,
        CASE WHEN b.fate = 'refused' THEN 'refused' WHEN b.fate = 'withdrawn' THEN 'withdrawn'
             WHEN b.accepted_on IS NULL THEN CASE WHEN b.corrected AND b.corrected_done IS NULL THEN 'correction'
                                                  ELSE 'submitted' END
             WHEN b.decided_at IS NULL THEN CASE WHEN b.susp > 0 AND b.susp_start < %(today)s THEN 'suspended'
                                                 ELSE 'review' END
             WHEN b.decided_at + interval '1 day' < %(t0)s THEN 'delivered'
             WHEN b.r_grant < 0.96 THEN 'granted' ELSE 'denied' END AS status
    FROM bench_case b
) c
ORDER BY c.id
"""

CORRECTIONS = """
INSERT INTO cases_correctionnotice (points, issued_at, answered_at, case_id, issued_by_id)
SELECT '["材料不全，请补正"]', least(c.created + interval '1 day', %(t0)s),
    CASE WHEN c.corrected_done IS NOT NULL THEN (c.corrected_done + time '10:00') AT TIME ZONE %(zone)s END,
    c.id, coalesce(c.staff_id, %(supervisor)s)
FROM bench_case c WHERE c.corrected AND c.fate <> 'withdrawn'
ORDER BY c.id
"""

SUSPENSIONS = """
INSERT INTO cases_suspension (reason, note, started_on, ended_on, working_days, requested_at, approved_by_id,
    case_id, requested_by_id, expected_days, expected_end_on)
SELECT 'expert', '专家评审', c.susp_start, CASE WHEN c.decided_at IS NOT NULL THEN c.susp_end END,
    CASE WHEN c.decided_at IS NOT NULL THEN c.susp ELSE 0 END, (c.susp_start + time '10:00') AT TIME ZONE %(zone)s,
    %(supervisor)s, c.id, %(supervisor)s, c.susp, NULL
FROM bench_case c WHERE c.susp > 0 AND c.accepted_on IS NOT NULL AND c.susp_start < %(today)s
ORDER BY c.id
"""

RATINGS = """
INSERT INTO ratings_rating (score, reasons, comment, channel, created_at, case_id, rated_by_id)
SELECT CASE WHEN c.r_score < 0.78 THEN 5 WHEN c.r_score < 0.92 THEN 4 WHEN c.r_score < 0.96 THEN 3
                  WHEN c.r_score < 0.985 THEN 2 ELSE 1 END,
    '[]', '', CASE WHEN c.channel = 'online' THEN 'online' ELSE 'window' END,
    c.decided_at + make_interval(secs => c.r_lag * 259200), c.id,
    CASE WHEN c.channel = 'online' THEN c.applicant_user END
FROM bench_case c
WHERE c.decided_at IS NOT NULL AND c.r_rate < 0.30 AND c.decided_at + make_interval(secs => c.r_lag * 259200) < %(t0)s
ORDER BY c.decided_at + make_interval(secs => c.r_lag * 259200)
"""

RECTIFICATIONS = """
INSERT INTO ratings_rectification (due_on, answer, answered_at, answered_by_id, department_id, rating_id)
SELECT (r.created_at AT TIME ZONE %(zone)s)::date + 7,
    CASE WHEN a.answered THEN '已联系申请人并整改' ELSE '' END,
    CASE WHEN a.answered THEN r.created_at + make_interval(secs => c.r_rect * 518400) END,
    CASE WHEN a.answered THEN %(supervisor)s END, c.department_id, r.id
FROM ratings_rating r JOIN bench_case c ON c.id = r.case_id
CROSS JOIN LATERAL (SELECT c.r_rect < 0.9 AND r.created_at + make_interval(secs => c.r_rect * 518400) < %(t0)s
                    AS answered) a
WHERE r.score <= 2
ORDER BY r.id
"""

SUPERVISION = """
INSERT INTO cases_supervisionorder (message, due_on, issued_at, answer, answered_at, answered_by_id, case_id,
    department_id, issued_by_id)
SELECT '请加快办理并说明原因', c.accepted_on + 7, (c.accepted_on + 1 + time '10:00') AT TIME ZONE %(zone)s, '', NULL,
    NULL, c.id, c.department_id, %(supervisor)s
FROM bench_case c
WHERE c.accepted_on IS NOT NULL AND c.r_sup < 0.005 AND (c.accepted_on + 1 + time '10:00') AT TIME ZONE %(zone)s < %(t0)s
ORDER BY c.id
"""

# One ticket per window case on its day of receipt, and one more on the day it came back with the corrections.
TICKETS = """
INSERT INTO desk_queueticket (day, sequence, number, lane, status, issued_at, called_at, finished_at, called_by_id,
    case_id, center_id, window_id, green_channel)
SELECT t.day, t.seq, 'A' || lpad(t.seq::text, 3, '0'), 'normal', 'served', t.at - interval '12 minutes',
    t.at - interval '2 minutes', t.at + interval '15 minutes', t.staff_id, t.id, t.center_id, t.window_id, false
FROM (
    SELECT v.*, row_number() OVER (PARTITION BY v.center_id, v.day ORDER BY v.at, v.id) AS seq
    FROM (
        SELECT c.id, c.received_on AS day, c.created AS at, c.staff_id, c.window_id, w.center_id
        FROM bench_case c JOIN org_window w ON w.id = c.window_id
        WHERE c.channel = 'window'
        UNION ALL
        SELECT c.id, c.corrected_done, (c.corrected_done + time '10:00') AT TIME ZONE %(zone)s, c.staff_id,
            c.window_id, w.center_id
        FROM bench_case c JOIN org_window w ON w.id = c.window_id
        WHERE c.channel = 'window' AND c.corrected_done IS NOT NULL
    ) v
) t
ORDER BY t.at
"""

MATERIALS = """
INSERT INTO cases_casematerial (provided, file_key, filename, content_type, size, note, added_at, case_id, spec_id,
    licence_id, due_on)
SELECT CASE WHEN m.source = 'shared' AND c.r_mat < 0.9 THEN 'shared'
            WHEN m.source = 'licence' AND c.r_mat < 0.7 THEN 'licence'
            WHEN c.channel = 'online' THEN 'uploaded' ELSE 'window' END,
    '', '', '', 0, '', c.created, c.id, m.id, NULL, NULL
FROM bench_case c JOIN catalog_materialspec m ON m.version_id = c.version_id AND m.required
WHERE c.r_keep < %(materials_share)s
ORDER BY c.id, m.position
"""

LOADED = (
    "cases_case",
    "cases_correctionnotice",
    "cases_suspension",
    "ratings_rating",
    "ratings_rectification",
    "cases_supervisionorder",
    "desk_queueticket",
    "cases_casematerial",
)
SCRATCH = (
    "bench_day",
    "bench_wd",
    "bench_slot",
    "bench_impl",
    "bench_win",
    "bench_clerk",
    "bench_applicant",
    "bench_entity",
    "bench_stage",
    "bench_dates",
    "bench_case",
)


def _calendar(cur, first: dt.date, last: dt.date) -> None:
    """bench_day and bench_wd over [first - 10 days, last + 2 years] on the city's working-day calendar, and the
    receipt-day draw bench_slot over [first, last]."""
    from yiwang.core.calendar import WorkCalendar
    from yiwang.org.models import Region

    calendar = WorkCalendar(Region.objects.get(code="440100"))
    day, wdi, days, workdays = first - dt.timedelta(days=10), 0, [], []
    while day <= last + dt.timedelta(days=730):
        work = calendar.is_workday(day)
        wdi += int(work)
        days.append((day, work, wdi, 1.0 if work else REST_DAY_WEIGHT))
        if work:
            workdays.append((wdi, day))
        day += dt.timedelta(days=1)
    cur.execute(CALENDAR)
    cur.executemany("INSERT INTO bench_day VALUES (%s, %s, %s, %s)", days)
    cur.executemany("INSERT INTO bench_wd VALUES (%s, %s)", workdays)
    drawn = [(d, weight) for d, _work, _wdi, weight in days if first <= d <= last]
    total, slots, acc = sum(w for _d, w in drawn), [], 0.0
    for d, weight in drawn:
        start, acc = round(acc / total * SLOTS), acc + weight
        slots += [(s, d) for s in range(start, round(acc / total * SLOTS))]
    cur.execute("CREATE UNLOGGED TABLE bench_slot (s int PRIMARY KEY, d date)")
    cur.executemany("INSERT INTO bench_slot VALUES (%s, %s)", slots)


def _people(cur) -> dict:
    """Two clerks per window and APPLICANTS applicants with accounts, 2,000 enterprises; the personas' ids."""
    from django.contrib.auth.hashers import make_password

    password = make_password(None)
    cur.execute(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined, display_name, phone, identity_level) "
        "SELECT %s, false, 'bench-clerk-' || w.id || '-' || k, '', '', '', true, true, now(), "
        "c.name || '窗口' || w.number || '号人员' || (k + 1), '', 3 "
        "FROM org_window w JOIN org_servicecenter c ON c.id = w.center_id CROSS JOIN generate_series(0, 1) k",
        [password],
    )
    cur.execute(
        "CREATE UNLOGGED TABLE bench_clerk AS SELECT split_part(username, '-', 3)::bigint AS window_id, "
        "split_part(username, '-', 4)::int AS k, id AS user_id FROM accounts_user WHERE username LIKE 'bench-clerk-%%'"
    )
    cur.execute(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined, display_name, phone, identity_level) "
        "SELECT %s, false, 'bench-applicant-' || g, '', '', '', false, true, now(), '申请人' || g, "
        "'139' || lpad(g::text, 8, '0'), 2 FROM generate_series(0, %s - 1) g",
        [password, APPLICANTS],
    )
    cur.execute(
        "INSERT INTO accounts_person (name, id_number, birth_date, phone, created_at, region_id, user_id) "
        "SELECT u.display_name, '9' || lpad(split_part(u.username, '-', 3), 17, '0'), date '1980-01-01', u.phone, "
        "now(), NULL, u.id FROM accounts_user u WHERE u.username LIKE 'bench-applicant-%%'"
    )
    cur.execute(
        "CREATE UNLOGGED TABLE bench_applicant AS SELECT (row_number() OVER (ORDER BY p.id) - 1)::int AS i, "
        "p.id AS person_id, p.user_id FROM accounts_person p JOIN accounts_user u ON u.id = p.user_id "
        "WHERE u.username LIKE 'bench-applicant-%%'"
    )
    cur.execute(
        "INSERT INTO accounts_entity (uscc, name, entity_type, legal_representative, address, business_scope, "
        "status, created_at, region_id, legal_representative_id_number) "
        "SELECT '9Z' || lpad(g::text, 16, '0'), '广州测试企业' || g || '有限公司', 'company', '法人' || g, '', '[]', "
        "'active', now(), NULL, '' FROM generate_series(0, 1999) g"
    )
    cur.execute(
        "CREATE UNLOGGED TABLE bench_entity AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, id "
        "FROM accounts_entity WHERE uscc LIKE '9Z%%'"
    )
    cur.execute("SELECT count(*) FROM bench_entity")
    return {"entities": cur.fetchone()[0], "applicants": APPLICANTS}


def _catalog_tables(cur) -> dict:
    """bench_impl: the implementations in a fixed shuffled order (the draw skews towards the first); bench_win: the
    windows a case of each region may be taken in (its centres' and its sub-regions' centres')."""
    cur.execute(
        "CREATE UNLOGGED TABLE bench_impl AS SELECT (row_number() OVER (ORDER BY md5(i.code)) - 1)::int AS i, "
        "i.id AS impl_id, i.item_id, s.current_version_id AS version_id, i.department_id, d.region_id, "
        "r.code AS region_code, coalesce(i.promised_days, v.promised_days, 0)::int AS promised, "
        "coalesce(v.statutory_days, 20)::int AS statutory, r.code = '440105' AS haizhu "
        "FROM catalog_itemimplementation i JOIN catalog_serviceitem s ON s.id = i.item_id "
        "JOIN catalog_itemversion v ON v.id = s.current_version_id "
        "JOIN org_department d ON d.id = i.department_id JOIN org_region r ON r.id = d.region_id WHERE i.active"
    )
    cur.execute(
        "CREATE UNLOGGED TABLE bench_win AS SELECT r.id AS region_id, w.id, w.department_id, w.kind = 'general' "
        "AS general, (row_number() OVER (PARTITION BY r.id, w.kind = 'general' ORDER BY w.id) - 1)::int AS i, "
        "count(*) OVER (PARTITION BY r.id, w.kind = 'general')::int AS n "
        "FROM org_region r JOIN org_region cr ON cr.path LIKE r.path || '%%' "
        "JOIN org_servicecenter c ON c.region_id = cr.id JOIN org_window w ON w.center_id = c.id "
        "WHERE r.id IN (SELECT region_id FROM bench_impl) AND NOT EXISTS (SELECT 1 FROM org_region o "
        "WHERE o.id IN (SELECT region_id FROM bench_impl) AND o.id <> r.id AND o.path LIKE r.path || '%%' "
        "AND cr.path LIKE o.path || '%%')"
    )
    cur.execute("SELECT count(*) FROM bench_impl")
    return {"impls": cur.fetchone()[0]}


def _generate(cases: int, days: int, materials_share: float) -> dict:
    from django.db import connection
    from django.utils import timezone

    from yiwang.accounts.models import User

    t0 = timezone.now().replace(microsecond=0)
    today = timezone.localdate(t0)
    params = {
        "cases": cases,
        "t0": t0,
        "today": today,
        "zone": str(timezone.get_current_timezone()),
        "slots": SLOTS,
        "supervisor": User.objects.get(username="gz-supervisor").pk,
        "grid_worker": User.objects.get(username="hz-grid-worker").pk,
        "materials_share": materials_share,
    }
    steps = {}
    with connection.cursor() as cur:
        for name in SCRATCH:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET work_mem = '64MB'")
        _calendar(cur, today - dt.timedelta(days=days), today - dt.timedelta(days=1))
        params.update(_people(cur))
        params.update(_catalog_tables(cur))
        # Bulk-load practice: the secondary indexes built once after the rows rather than row by row, and the
        # foreign-key triggers off while the generated (consistent) rows go in; the constraints stay declared.
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)",
            [list(LOADED)],
        )
        secondary = cur.fetchall()
        for index, _definition in secondary:
            cur.execute(f'DROP INDEX "{index}"')
        cur.execute("SET session_replication_role = replica")
        for name, sql in (
            ("staging draws", STAGE),
            ("staging dates", DATES),
            ("staging cases", CASES_TABLE),
            ("cases", CASES),
            ("correction notices", CORRECTIONS),
            ("suspensions", SUSPENSIONS),
            ("ratings", RATINGS),
            ("rectifications", RECTIFICATIONS),
            ("督办", SUPERVISION),
            ("queue tickets", TICKETS),
            ("required materials", MATERIALS),
        ):
            started = time.perf_counter()
            cur.execute(sql, params)
            steps[name] = (cur.rowcount, time.perf_counter() - started)
        cur.execute("SET session_replication_role = DEFAULT")
        started = time.perf_counter()
        for _index, definition in secondary:
            cur.execute(definition)
        steps[f"{len(secondary)} indexes"] = (0, time.perf_counter() - started)
        for table in LOADED:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        for name in SCRATCH:
            cur.execute(f"DROP TABLE {name}")
        started = time.perf_counter()
        for table in LOADED:
            cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute("ANALYZE")
        steps["vacuum analyze"] = (0, time.perf_counter() - started)
    return steps


def _rebuild_all() -> None:
    """Every day's figures by the real rebuild, in two processes (the days dealt alternately); prints the cost."""
    from django.db import connection
    from django.db.models import Max, Min

    from yiwang.cases.models import Case

    bounds = Case.objects.aggregate(first=Min("received_on"), last=Max("received_on"))
    first, last = bounds["first"], bounds["last"]
    connection.close()
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--rebuild-part",
                f"{k}/2",
                "--rebuild-from",
                str(first),
                "--rebuild-to",
                str(last),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(2)
    ]
    spent = []
    for worker in workers:
        out, _err = worker.communicate()
        assert worker.returncode == 0, f"a rebuild process failed ({worker.returncode})"
        spent += json.loads(out.strip().splitlines()[-1])
    took = time.perf_counter() - started
    with connection.cursor() as cur:
        # What autovacuum does to a table that grew this much, before the planner is asked about it.
        cur.execute("ANALYZE insights_dailyfigure")
    seconds = [s for _d, s, _r in spent]
    p50, p95 = _percentiles(seconds)
    rows = sum(r for _d, _s, r in spent)
    print(
        f"  daily figures: {len(spent)} days rebuilt by insights.services._rebuild_day in 2 processes, "
        f"{took:.1f} s wall; {rows:,} rows"
    )
    print(f"  seconds per day rebuilt: p50 {p50:.2f}  p95 {p95:.2f}  max {max(seconds):.2f}")


def _rebuild_part(part: str, first: str, last: str) -> None:
    """One rebuild process: the days of [first, last] whose index ≡ k (mod n); prints [(day, seconds, rows)]."""
    _django(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    from yiwang.insights.services import _rebuild_day

    k, n = (int(x) for x in part.split("/"))
    day, last_day, index, spent = dt.date.fromisoformat(first), dt.date.fromisoformat(last), 0, []
    while day <= last_day:
        if index % n == k:
            started = time.perf_counter()
            rows = _rebuild_day(day)
            spent.append((str(day), time.perf_counter() - started, rows))
        day += dt.timedelta(days=1)
        index += 1
    print(json.dumps(spent))


def load(url: str, cases: int, days: int, materials_share: float, reload: bool) -> None:
    """The database ready for measuring: reused when it holds exactly `cases` cases and their daily figures; built
    from nothing otherwise."""
    held = None if reload else _held(url)
    name = url.rsplit("/", 1)[1]
    if held is not None and held[0] == cases and held[1] > 0:
        _django(url)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        print(f"database: reused {name} ({held[0]:,} cases, {held[1]:,} daily figure rows)")
        return
    started = time.perf_counter()
    seconds = catalog_database(url)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_insights_scale runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
    from yiwang.accounts.demo import load_demo_people

    load_demo_people()
    print(f"database: built {name}; schema, catalog and personas in {seconds:.1f} s")
    share = "every case" if materials_share >= 1 else f"{materials_share:.0%} of the cases"
    print(f"  {cases:,} cases over {days} days; required materials stored for {share}")
    for step, (rows, took) in _generate(cases, days, materials_share).items():
        print(f"  {step:<20} {rows:>12,} rows {took:7.1f} s")
    _rebuild_all()
    print(f"loaded in {time.perf_counter() - started:.1f} s")


# --- the measurements ---------------------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _backend_cpu_ms() -> float:
    """CPU time of this connection's PostgreSQL backend so far (/proc/<pid>/stat); NaN when it runs elsewhere.
    Parallel workers' CPU is not in it."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def _timed(function, times: int) -> tuple[list[float], object, tuple[float, float]]:
    """Milliseconds of `times` calls after an untimed one; the result; CPU ms per call (this process, backend)."""
    result = function()
    runs = []
    cpu, db = time.process_time(), _backend_cpu_ms()
    for _i in range(times):
        started = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - started) * 1000)
    return runs, result, ((time.process_time() - cpu) * 1000 / times, (_backend_cpu_ms() - db) / times)


def _line(label: str, runs: list[float], cpu: tuple[float, float]) -> float:
    p50, p95 = _percentiles(runs)
    print(
        f"  {label:<44} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  CPU {cpu[0]:6.1f} + DB {cpu[1]:7.1f} ms/call"
        f"  ({len(runs)} runs)"
    )
    return p95


def _agree(stored: dict, direct: dict, label: str) -> None:
    """Every counter equal (a float within 1e-9 relative), hence every indicator."""
    from yiwang.insights.indicators import evaluate

    for name, value in stored.items():
        other = direct.get(name, 0)
        if isinstance(value, float) or isinstance(other, float):
            assert math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-9), (label, name, value, other)
        else:
            assert value == other, (label, name, value, other)
    assert evaluate(stored) == evaluate(direct), label


def _direct(scope, period) -> tuple[float, dict]:
    """count_cases over the scope and period, straight from the cases: (seconds, counters)."""
    from yiwang.insights.counting import count_cases
    from yiwang.insights.models import COUNTERS

    where = {}
    if scope.region is not None:
        where["region__path__startswith"] = scope.region.path
    if scope.department_id is not None:
        where["department_id"] = scope.department_id
    started = time.perf_counter()
    found = count_cases(start=period.start, end=period.end, group=(), by_day=False, where=where)
    took = time.perf_counter() - started
    return took, found.get((None,), dict.fromkeys(COUNTERS, 0))


SLOWEST = {}  # the slowest figure so far: {"label", "p95", "call"}


def _figure(label: str, call, times: int, figure: str) -> tuple[float, dict]:
    runs, result, cpu = _timed(call, times)
    p95 = _line(label, runs, cpu)
    if p95 > SLOWEST.get("p95", 0):
        SLOWEST.update(label=f"{figure}, {label}", p95=p95, call=call)
    return p95, result


def _compare(label: str, stored: dict, scope, period, p95_ms: float, check: bool, results: list) -> None:
    took, direct = _direct(scope, period)
    print(f"  {'straight from the cases (count_cases)':<44} {took * 1000:12.1f} ms (1 run)")
    verdict = "met" if p95_ms <= TARGET_S * 1000 else "NOT met"
    agreed = ""
    if check:
        _agree(stored, direct, label)
        agreed = "; both agree on every counter and indicator"
    print(f"  ratio direct / stored (p95) {took * 1000 / p95_ms:,.0f}×; target ≤ {TARGET_S:.0f} s: {verdict}{agreed}")
    results.append((label, p95_ms, took * 1000, bool(check)))


def _periods():
    """The last full month, quarter and year before the load's day."""
    from django.db.models import Max, Min

    from yiwang.insights.models import DailyFigure
    from yiwang.insights.periods import Period

    bounds = DailyFigure.objects.aggregate(first=Min("day"), last=Max("day"))
    first, last = bounds["first"], bounds["last"]
    month = Period.month_of(last.replace(day=1) - dt.timedelta(days=1))
    quarter = Period.parse(f"{month.start.year}-Q{(month.start.month - 1) // 3 + 1}")
    if quarter.end > last:
        quarter = quarter.previous()
    # A short history (the smoke test's) has no full year: the month's year then, in part.
    year = Period.parse(str(last.year - 1 if first <= dt.date(last.year - 1, 1, 1) else month.start.year))
    return month, quarter, year


def _parts(parts: dict) -> None:
    """Each selector call of a figure timed once more alone: where the figure's time goes."""
    spent = []
    for name, call in parts.items():
        started = time.perf_counter()
        call()
        spent.append(f"{name} {(time.perf_counter() - started) * 1000:.0f}")
    print(f"    one call each (ms): {', '.join(spent)}")


def _overview(actor, scope, period) -> dict:
    from yiwang.insights import selectors

    return {
        "counts": lambda: selectors.counts(actor=actor, scope=scope, period=period),
        "trend": lambda: selectors.trend(actor=actor, scope=scope, period=period),
        "by region": lambda: selectors.breakdown(actor=actor, scope=scope, period=period, by="region"),
        "by department": lambda: selectors.breakdown(actor=actor, scope=scope, period=period, by="department"),
    }


def _drill(actor, scope, period) -> dict:
    from yiwang.insights import selectors

    return {
        "counts": lambda: selectors.counts(actor=actor, scope=scope, period=period),
        "trend": lambda: selectors.trend(actor=actor, scope=scope, period=period),
        "by item": lambda: selectors.breakdown(actor=actor, scope=scope, period=period, by="item"),
    }


def _page(parts: dict):
    return lambda: tuple(call() for call in parts.values())


def measure(
    times: int, direct_kinds: set, results: list, baseline: dict | None = None, kinds=("month", "quarter", "year")
) -> dict:
    """The figures of the periods of `kinds`, each of `direct_kinds` beside count_cases. With `baseline` (what an
    earlier measure returned), no count_cases: each figure must equal the baseline's instead. Returns {label:
    figures}."""
    from django.db.models import Sum

    from yiwang.accounts.models import User
    from yiwang.insights import selectors
    from yiwang.insights.models import DailyFigure
    from yiwang.org.models import Department, Region

    city, haizhu = Region.objects.get(code="440100"), Region.objects.get(code="440105")
    supervisor = User.objects.get(username="gz-supervisor")
    month, quarter, year = _periods()
    cases = DailyFigure.objects.aggregate(n=Sum("applied"))["n"]
    print(f"{cases:,} cases applied in the figures; {DailyFigure.objects.count():,} figure rows")
    if baseline is None:
        _indicators(city, month)
    seen = {}

    def settle(label, figures, scope, period, p95):
        seen[label] = figures
        if baseline is not None:
            for got, wanted in zip(figures, baseline[label], strict=True):
                assert _same(got, wanted), f"{label}: the probe disagrees with the daily figures"
            print("  same figures as the daily rows")
            results.append((label, p95, None, False))
        elif period.kind in direct_kinds:
            _compare(label, figures[0], scope, period, p95, period.kind == "month", results)
        else:
            results.append((label, p95, None, False))

    print("1. the leader's overview of 广州市 (440100): counts + trend + breakdown by region + by department")
    scope = selectors.Scope(region=city)
    for period in (p for p in (month, quarter, year) if p.kind in kinds):
        label = f"overview {period}"
        print(f" {label} ({period.kind}, {period.start} – {period.end - dt.timedelta(days=1)})")
        p95, figures = _figure("stored, public (actor None)", _page(_overview(None, scope, period)), times, label)
        p95_r, restricted = _figure(
            "stored, as gz-supervisor (restrict())", _page(_overview(supervisor, scope, period)), times, label
        )
        _parts(_overview(supervisor, scope, period))
        assert _same(restricted, figures), "the city's supervisor sees the whole city"
        settle(label, figures, scope, period, max(p95, p95_r))

    busiest = (
        DailyFigure.objects.filter(region=haizhu, day__gte=year.start, day__lt=year.end)
        .values("department_id")
        .annotate(n=Sum("applied"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.get(pk=busiest["department_id"])
    head = User.objects.filter(username=f"hz-{department.kind.lower()}-head").first()
    print(f"2. drill-down into {department.name} (海珠区's busiest): counts + trend + breakdown by item")
    scope = selectors.Scope(region=haizhu, department_id=department.pk)
    for period in (p for p in (month, year) if p.kind in kinds):
        label = f"drill-down {period}"
        print(f" {label} ({period.kind})")
        p95, figures = _figure("stored, public (actor None)", _page(_drill(None, scope, period)), times, label)
        if head is not None:
            p95_h, as_head = _figure(
                f"stored, as {head.username} (restrict())", _page(_drill(head, scope, period)), times, label
            )
            _parts(_drill(head, scope, period))
            assert _same(as_head, figures), "the department's head sees the department"
            p95 = max(p95, p95_h)
        settle(label, figures, scope, period, p95)
    return seen


def _same(a, b) -> bool:
    """Equal, floats within 1e-9 relative (a sum in another order rounds differently)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


# The rollups the probe measures: the daily rows summed over centre, window and staff, one row per (day, region,
# department, item), or per (month, region, department, item) dated the month's first day (what a year's or a
# quarter's figures and their monthly trend need), under the daily table's name and with its indexes, so the same
# selectors read it.
ROLLUP = """
ALTER TABLE insights_dailyfigure RENAME TO bench_dailyfigure_full;
CREATE TABLE insights_dailyfigure AS
SELECT min(id) AS id, {grain} AS day, region_id, department_id, item_id, NULL::bigint AS center_id,
       NULL::bigint AS window_id, NULL::bigint AS staff_id, {sums}
FROM bench_dailyfigure_full GROUP BY 2, region_id, department_id, item_id ORDER BY 2;
CREATE INDEX ON insights_dailyfigure (day);
CREATE INDEX ON insights_dailyfigure (department_id, day);
CREATE INDEX ON insights_dailyfigure (item_id, day);
ANALYZE insights_dailyfigure;
"""


def probe_rollup(times: int, baseline: dict, results: list, grain: str) -> None:
    """The proposed fix measured with the same selectors: the figures read from a (day or month, region, department,
    item) rollup put in the daily table's place inside a transaction that is rolled back (PostgreSQL's DDL is
    transactional), so the database is left as it was. Every figure must equal the daily rows'. The monthly rollup
    serves quarters and years only (a month's trend is by day)."""
    from django.db import connection, transaction

    from yiwang.insights.models import COUNTERS

    sums = ", ".join(f"sum({name}) AS {name}" for name in COUNTERS)
    print(f"probe: the same selectors over a ({grain}, region, department, item) rollup of the daily rows")
    with transaction.atomic():
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(ROLLUP.format(sums=sums, grain="day" if grain == "day" else "date_trunc('month', day)::date"))
        print(f"  rollup built in {time.perf_counter() - started:.1f} s")
        kinds = ("month", "quarter", "year") if grain == "day" else ("quarter", "year")
        found = []
        measure(times, set(), found, baseline=baseline, kinds=kinds)
        results += [(grain, *row) for row in found]
        transaction.set_rollback(True)


def _indicators(region, period) -> None:
    """A few of the month's indicators, to show the generated city is a plausible one."""
    from yiwang.insights import selectors

    values = selectors.indicators(actor=None, scope=selectors.Scope(region=region), period=period)
    shown = ("online_rate", "on_time_rate", "early_rate", "satisfaction_rate", "first_time_accepted_rate")
    print(f"  {period} in {region.name}: " + ", ".join(f"{code} {values[code]:.3f}" for code in shown))


def explain_slowest() -> None:
    """The slowest figure's slowest query, with EXPLAIN ANALYZE, when a figure missed the target."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if SLOWEST.get("p95", 0) <= TARGET_S * 1000:
        return
    with CaptureQueriesContext(connection) as captured:
        SLOWEST["call"]()
    query = max(captured.captured_queries, key=lambda q: float(q["time"]))
    print(f"slowest: {SLOWEST['label']} (p95 {SLOWEST['p95']:.0f} ms); its slowest query took {query['time']} s:")
    print(f"  {query['sql']}")
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
        for (line,) in cur.fetchall():
            print(f"    {line}")


def measure_rebuild(sample: int) -> None:
    """The worker's incremental cost again on this run's database: the last `sample` days rebuilt."""
    from django.db.models import Max

    from yiwang.insights.models import DailyFigure
    from yiwang.insights.services import _rebuild_day

    last = DailyFigure.objects.aggregate(m=Max("day"))["m"]
    spent = []
    for n in range(sample):
        day = last - dt.timedelta(days=n)
        started = time.perf_counter()
        rows = _rebuild_day(day)
        spent.append((day, time.perf_counter() - started, rows))
    line = ", ".join(f"{day:%m-%d} {s:.2f} s ({rows} rows)" for day, s, rows in spent)
    print(f"3. one day's rebuild (the worker's incremental cost), the last {sample} days: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=730, help="days of receipts before the load")
    parser.add_argument("--materials-share", type=float, default=1.0, help="share of cases with materials stored")
    parser.add_argument("--repeat", type=int, default=10, help="timed calls per stored figure")
    parser.add_argument(
        "--direct", default="month,quarter,year", help="periods counted straight from the cases too (comma-separated)"
    )
    parser.add_argument("--rebuild-sample", type=int, default=5, help="days rebuilt again to time the worker")
    parser.add_argument("--reload", action="store_true", help="rebuild the database even if it holds the cases")
    parser.add_argument("--probe-rollup", action="store_true", help="also measure the proposed rollup (rolled back)")
    parser.add_argument("--rebuild-part", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-from", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rebuild_part:
        _rebuild_part(args.rebuild_part, args.rebuild_from, args.rebuild_to)
        return
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("bench_insights_scale runs on PostgreSQL only: set DATABASE_URL=postgresql://…")
    if "127.0.0.1" not in url and "localhost" not in url:
        sys.exit("bench_insights_scale measures a database on this machine only (127.0.0.1)")
    load(url, args.cases, args.days, args.materials_share, args.reload)
    print(
        f"machine: {os.cpu_count()} cores, shared with other sessions' work: wall-clock figures, compare within the run"
    )
    results = []
    figures = measure(args.repeat, {k.strip() for k in args.direct.split(",") if k.strip()}, results)
    measure_rebuild(args.rebuild_sample)
    explain_slowest()
    probed = []
    if args.probe_rollup:
        probe_rollup(args.repeat, figures, probed, "day")
        probe_rollup(args.repeat, figures, probed, "month")
    print("summary (p95 of the stored figures beside one count straight from the cases)")
    for label, stored, direct, checked in results:
        straight = f"{direct / 1000:9.1f} s" if direct is not None else "      —  "
        print(f"  {label:<22} stored {stored:8.1f} ms   direct {straight}   {'agree' if checked else ''}")
    for grain, label, stored, _direct, _checked in probed:
        print(f"  {label:<22} rollup {stored:8.1f} ms   (probe: {grain} × region × department × item)")


if __name__ == "__main__":
    main()
