"""The generated city of bench_insights_scale.py: ten million cases and what hangs off them (corrections,
suspensions, ratings and rectifications, 督办, queue tickets, materials), written by PostgreSQL itself with
`INSERT … SELECT generate_series` from staging tables, so nothing crosses the socket. The shapes and shares are
described in bench_insights_scale.py's docstring."""

import datetime as dt

from _setup import bulk_load

SLOTS = 100_000  # the receipt day's draw: each day holds slots in proportion to its weight
REST_DAY_WEIGHT = 1 / 12
APPLICANTS = 20_000


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


def generate(cases: int, days: int, materials_share: float) -> dict:
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
    with connection.cursor() as cur:
        for name in SCRATCH:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET work_mem = '64MB'")
        _calendar(cur, today - dt.timedelta(days=days), today - dt.timedelta(days=1))
        params.update(_people(cur))
        params.update(_catalog_tables(cur))
        return bulk_load(
            cur,
            loaded=LOADED,
            scratch=SCRATCH,
            params=params,
            steps=(
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
            ),
        )
