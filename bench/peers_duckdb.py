#!/usr/bin/env python3
"""The benchmark's KPI subset computed with DuckDB SQL, as an analyst would write it.

    python bench/peers_duckdb.py --data DIR --from 2023-11 --to 2026-10            # from the canonical CSV files
    python bench/peers_duckdb.py --data DIR --store PATH --build                   # import the CSV files into PATH
    python bench/peers_duckdb.py --store PATH --from 2023-11 --to 2026-10          # from the DuckDB database file

Prints `{"currency": ..., "periods": [{"period": "2024-01", "mrr": ..., ...}]}` like `vitals report --json`, for the
KPIs in KPIS below: money in major units of the reporting currency, rates as fractions, null when the denominator
is 0. The definitions are those of docs/metrics.md: monthly periods are half-open UTC months, money is converted with
the latest fx rate on or before the instant, movements are classified per change of a customer's MRR.
"""
import argparse
import csv
import json
import os
import sys
import tomllib

import duckdb

KPIS = [
    "mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
    "customer_churn_rate", "gross_revenue_churn_rate", "net_revenue_churn_rate", "net_revenue_churn_rate_cohort", "nrr",
    "nps", "csat", "fcr_rate", "active_users",
]
MONEY = set(KPIS[:6])

# ISO 4217 currencies whose minor unit is not 1/100 (the reporting currency's exponent sets the rounding of MRR).
EXPONENTS = {c: 0 for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()}
EXPONENTS.update({c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()})
EXPONENTS.update({"CLF": 4, "UYW": 4})

# Timestamps are read as TIMESTAMPTZ (the CSV reader applies `Z`/`+02:00` offsets; a bare date is midnight UTC) and
# turned into plain UTC TIMESTAMPs through their epoch, which needs no time-zone library.
UTC = "make_timestamp(epoch_us({c}))"
SECONDS = "date_trunc('second', make_timestamp(epoch_us({c})))"  # where instants are compared: fractions dropped

# The tables the KPIs use: file -> [(column, type in the CSV reader, SQL expression over the typed column,
# default when the column is absent; None = required)]. The CSV reader gets every column of the file with its type
# (VARCHAR for the ones not used), so nothing is sniffed. Word-like values are trimmed and case-folded; numbers and
# timestamps are parsed by the reader.
TABLES = {
    "subscriptions": ("subscriptions.csv", [
        ("subscription_id", "VARCHAR", "trim({c})", None),
        ("account_id", "VARCHAR", "trim({c})", None),
        ("product", "VARCHAR", "trim({c})", None),
        ("amount", "DECIMAL(18,4)", "{c}", None),
        ("currency", "VARCHAR", "upper(trim({c}))", None),
        ("interval", "VARCHAR", "lower(trim({c}))", None),
        ("interval_count", "INTEGER", "coalesce({c}, 1)", "1"),
        ("quantity", "BIGINT", "coalesce({c}, 1)", "1::BIGINT"),
        ("discount_percent", "DECIMAL(9,4)", "coalesce({c}, 0)", "0::DECIMAL(9,4)"),
        ("discount_amount", "DECIMAL(18,4)", "coalesce({c}, 0)", "0::DECIMAL(18,4)"),
        ("status", "VARCHAR", "coalesce(nullif(lower(trim({c})), ''), 'active')", "'active'"),
        ("valid_from", "TIMESTAMPTZ", SECONDS, None),
        ("valid_to", "TIMESTAMPTZ", SECONDS, "NULL::TIMESTAMP"),
    ]),
    "fx_rates": ("fx_rates.csv", [
        ("date", "TIMESTAMPTZ", SECONDS, None),
        ("currency", "VARCHAR", "upper(trim({c}))", None),
        ("rate", "DECIMAL(18,10)", "{c}", None),
    ]),
    "survey_responses": ("survey_responses.csv", [
        ("survey", "VARCHAR", "lower(trim({c}))", None),
        ("score", "DOUBLE", "{c}", None),
        ("scale_min", "DOUBLE", "{c}", "NULL::DOUBLE"),
        ("scale_max", "DOUBLE", "{c}", "NULL::DOUBLE"),
        ("responded_at", "TIMESTAMPTZ", UTC, None),
    ]),
    "tickets": ("tickets.csv", [
        ("resolved_at", "TIMESTAMPTZ", UTC, "NULL::TIMESTAMP"),
        ("agent_replies", "INTEGER", "{c}", "NULL::INTEGER"),
        ("reopens", "INTEGER", "{c}", "NULL::INTEGER"),
        ("first_contact_resolution", "VARCHAR", "lower(trim({c}))", "NULL::VARCHAR"),
    ]),
    "usage_events": ("usage_events.csv", [
        ("account_id", "VARCHAR", "{c}", None),
        ("user_id", "VARCHAR", "{c}", None),
        ("occurred_at", "TIMESTAMPTZ", UTC, None),
    ]),
}


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def typed_select(data, table):
    """A SELECT over one CSV file read with explicit column names and types (headers are case-insensitive)."""
    file, columns = TABLES[table]
    path = os.path.join(data, file)
    if not os.path.exists(path):  # every file is optional: a missing one has no records
        return "SELECT " + ", ".join(
            f"{expr.format(c=f'NULL::{kind}')} AS {name}" for name, kind, expr, _ in columns) + " LIMIT 0"
    with open(path, newline="", encoding="utf-8-sig") as f:
        header = [name.strip().lower() for name in next(csv.reader(f), [])]
    kinds = {name: kind for name, kind, _, _ in columns}
    schema = ", ".join(f"{sql_string(name)}: '{kinds.get(name, 'VARCHAR')}'" for name in header)
    source = (f"read_csv({sql_string(path)}, header = true, auto_detect = false, delim = ',', quote = '\"',"
              f" escape = '\"', columns = {{{schema}}})")
    exprs = []
    for name, _, expr, default in columns:
        if name in header:
            exprs.append(expr.format(c=f'"{name}"') + f" AS {name}")
        elif default is not None:
            exprs.append(f"{default} AS {name}")
        else:
            raise SystemExit(f"{path}: required column {name} is missing")
    return f"SELECT {', '.join(exprs)} FROM {source}"


def attach_csv(con, data):
    """CSV mode: every table is a view over its file; each file is scanned once per run (loading included)."""
    for table in TABLES:
        con.execute(f"CREATE TEMP VIEW {table} AS {typed_select(data, table)}")


def build_store(con, data):
    """Store mode: import the CSV files once into typed tables of the database file."""
    for table in TABLES:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {typed_select(data, table)}")
    con.execute("CHECKPOINT")


def month_number(text, last):
    """`2024`, `2024-03` or `2024-03-15` -> year x 12 + month - 1 of the first (or, for --to, last) month it covers."""
    parts = text.split("-")
    month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
    return int(parts[0]) * 12 + month - 1


def settings(data):
    """Reporting currency and delinquency window from the dataset's vitals.toml (defaults USD, 30 days)."""
    currency, delinquency_days = "USD", 30
    path = os.path.join(data, "vitals.toml") if data else None
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            report = tomllib.load(f).get("report", {})
        currency = report.get("currency", currency).upper()
        delinquency_days = int(report.get("delinquency_days", delinquency_days))
    return currency, delinquency_days


def compute(con, first, last, currency, delinquency_days):
    """first, last: month numbers (year x 12 + month - 1) of the first and last period."""
    exponent = EXPONENTS.get(currency, 2)
    # Months are numbered year x 12 + month - 1: one integer per month, so month boundaries, the start cohort's
    # next month and the NRR cohort's 12 months are plain integer keys.
    con.execute("CREATE OR REPLACE TEMP MACRO month_number(t) AS year(t) * 12 + month(t) - 1")
    end = last + 1  # the month after the last period
    bounds = {"b0": first - 11, "end": end}

    # MRR of each subscription version, in minor units of the reporting currency: round(price x rate x 10^exponent
    # / months), half away from zero, with the rate in force at valid_from (ASOF join; the first rate for earlier
    # dates). Exact, in integers (HUGEINT): amounts and percentages have at most 4 decimals and rates 10, so
    #   price x 10^10 = amount x 10^4 x quantity x (10^6 - percent x 10^4) - discount_amount x 10^4 x 10^6
    #   MRR = round(n / d), n = price x 10^10 x rate x 10^10 x 10^exponent x num, d = 10^20 x den,
    # and round(n / d) = floor((2n + d) / 2d) for n >= 0. (DuckDB would divide DECIMALs in DOUBLE, which can round
    # an exact half cent the wrong way.)
    con.execute("CREATE OR REPLACE TEMP TABLE fx AS SELECT date, currency, rate FROM fx_rates WHERE currency <> $rep",
                {"rep": currency})
    con.execute("""
        CREATE OR REPLACE TEMP TABLE versions AS
        WITH first_rate AS (SELECT currency, arg_min(rate, date) AS rate FROM fx GROUP BY currency),
        priced AS (
            SELECT s.subscription_id, s.account_id, s.product, s.status, s.valid_from, s.valid_to, s.currency,
                   CAST(CASE WHEN s.currency = $rep THEN 1 ELSE coalesce(f.rate, fr.rate) END * 10000000000
                        AS HUGEINT) AS rate,
                   greatest(0, CAST(s.amount * 10000 AS HUGEINT) * s.quantity
                                  * (1000000 - CAST(s.discount_percent * 10000 AS HUGEINT))
                               - CAST(s.discount_amount * 10000 AS HUGEINT) * 1000000) AS price,
                   CASE s.interval WHEN 'month' THEN 1 WHEN 'year' THEN 1 WHEN 'week' THEN 52 WHEN 'day' THEN 365
                   END AS num,
                   CASE s.interval WHEN 'month' THEN 1 ELSE 12 END * greatest(1, s.interval_count)
                       * '100000000000000000000'::HUGEINT AS d
            FROM subscriptions s
            ASOF LEFT JOIN fx f ON s.currency = f.currency AND s.valid_from >= f.date
            LEFT JOIN first_rate fr ON s.currency = fr.currency
        )
        SELECT subscription_id, account_id, product, status, valid_from, valid_to, currency, rate,
               CAST((price * rate * $scale * num * 2 + d) // (2 * d) AS BIGINT) AS mrr
        FROM priced
    """, {"rep": currency, "scale": 10 ** exponent})
    missing = con.sql("SELECT DISTINCT currency FROM versions WHERE rate IS NULL ORDER BY 1").fetchall()
    if missing:
        raise SystemExit(f"no fx rate for {', '.join(m[0] for m in missing)}")

    # Spans during which a version counts: active for its whole validity; past_due until `delinquency_days` after
    # the first version of its unbroken run of past_due versions started (a run continues while a past_due version
    # starts where the item's previous past_due one ended); trialing and paused never.
    # Changes: every instant at which an account's MRR changes, netted per (account, instant), then classified
    # (the customer "paid before" when the instant is after the account's first one with MRR > 0), and summed per
    # account and month (m).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE account_months AS
        WITH past_due AS (
            SELECT *, coalesce(lag(valid_to) OVER (PARTITION BY subscription_id, product ORDER BY valid_from)
                               = valid_from, false) AS continues
            FROM versions WHERE status = 'past_due'
        ),
        delinquent AS (
            SELECT account_id, valid_from, valid_to, mrr,
                   max(CASE WHEN NOT continues THEN valid_from END) OVER (
                       PARTITION BY subscription_id, product ORDER BY valid_from ROWS UNBOUNDED PRECEDING)
                   + INTERVAL {int(delinquency_days)} DAY AS churn_at
            FROM past_due
        ),
        spans AS (
            SELECT account_id, valid_from AS t_from, valid_to AS t_to, mrr
            FROM versions WHERE status = 'active' AND mrr <> 0
            UNION ALL
            SELECT account_id, valid_from, CASE WHEN valid_to IS NULL OR churn_at < valid_to THEN churn_at
                                                ELSE valid_to END, mrr
            FROM delinquent WHERE mrr <> 0 AND churn_at > valid_from
        ),
        deltas AS (
            SELECT account_id, t, sum(delta) AS delta FROM (
                SELECT account_id, t_from AS t, mrr AS delta FROM spans
                UNION ALL
                SELECT account_id, t_to AS t, -mrr AS delta FROM spans WHERE t_to IS NOT NULL
            ) GROUP BY account_id, t
        ),
        running AS (
            SELECT account_id, t, delta,
                   sum(delta) OVER (PARTITION BY account_id ORDER BY t ROWS UNBOUNDED PRECEDING) AS after
            FROM deltas
        ),
        changes AS (
            SELECT account_id, t, delta, after, after - delta AS before,
                   t > min(t) FILTER (WHERE after > 0) OVER (PARTITION BY account_id) AS paid_before
            FROM running
        )
        SELECT account_id, month_number(t) AS m, sum(delta)::BIGINT AS delta,
               sum(CASE WHEN before = 0 AND after > 0 AND NOT paid_before THEN after ELSE 0 END)::BIGINT AS new,
               sum(CASE WHEN before = 0 AND after > 0 AND paid_before THEN after ELSE 0 END)::BIGINT AS reactivation,
               sum(CASE WHEN before > 0 AND after > before THEN after - before ELSE 0 END)::BIGINT AS expansion,
               sum(CASE WHEN after > 0 AND before > after THEN before - after ELSE 0 END)::BIGINT AS contraction,
               sum(CASE WHEN before > 0 AND after = 0 THEN before ELSE 0 END)::BIGINT AS churn
        FROM changes GROUP BY ALL
    """)

    # Paying customers at every month boundary b (the first instant of month b) from 11 months before the first
    # period to the end of the last one, with their MRR: the sum of the account's changes strictly before b.
    # A running sum over the months with changes gives each account's MRR from one such boundary to the next
    # (steps); a range join spreads it over the boundaries in between.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE paying AS
        WITH monthly AS (
            SELECT account_id, greatest(m + 1, $b0) AS b, sum(delta) AS delta
            FROM account_months WHERE m < $end GROUP BY ALL
        ),
        steps AS (
            SELECT account_id, b,
                   lead(b, 1, $end + 1) OVER (PARTITION BY account_id ORDER BY b) AS b_next,
                   sum(delta) OVER (PARTITION BY account_id ORDER BY b ROWS UNBOUNDED PRECEDING)::BIGINT AS mrr
            FROM monthly
        ),
        bounds AS (SELECT range AS b FROM range($b0, $end + 1))
        SELECT s.account_id, bounds.b, s.mrr
        FROM steps s JOIN bounds ON s.b <= bounds.b AND bounds.b < s.b_next
        WHERE s.mrr > 0
    """, bounds)

    # Per period p: company MRR at its end; the movements; the start cohort (paying at b = p), whose MRR at the end
    # is its MRR at the start plus its changes in p; the NRR cohort (paying just before the period end moved back
    # 12 months, b = p - 11) and its MRR at the end (b = p + 1).
    revenue = con.sql("""
        WITH periods AS (SELECT range AS p FROM range($first, $last + 1)),
        company AS (SELECT b - 1 AS p, sum(mrr) AS mrr FROM paying WHERE b > $first GROUP BY b),
        movements AS (
            SELECT m AS p, sum(new) AS new, sum(expansion) AS expansion, sum(contraction) AS contraction,
                   sum(churn) AS churn, sum(reactivation) AS reactivation
            FROM account_months WHERE m BETWEEN $first AND $last GROUP BY m
        ),
        cohort AS (
            SELECT s.b AS p, count(*) AS customers, count(*) FILTER (WHERE s.mrr + coalesce(c.delta, 0) = 0) AS churned,
                   sum(s.mrr) AS mrr_start,
                   coalesce(sum(c.churn), 0) + coalesce(sum(c.contraction), 0) AS lost,
                   coalesce(sum(c.expansion), 0) + coalesce(sum(c.reactivation), 0) AS gained
            FROM paying s LEFT JOIN account_months c ON c.account_id = s.account_id AND c.m = s.b
            WHERE s.b BETWEEN $first AND $last
            GROUP BY s.b
        ),
        nrr AS (
            SELECT then_.b + 11 AS p, coalesce(sum(now.mrr), 0) AS mrr_now, sum(then_.mrr) AS mrr_then
            FROM paying then_ LEFT JOIN paying now ON now.account_id = then_.account_id AND now.b = then_.b + 12
            WHERE then_.b <= $last - 11
            GROUP BY then_.b
        )
        SELECT periods.p,
               coalesce(company.mrr, 0) AS mrr,
               coalesce(m.new, 0) AS new_mrr, coalesce(m.expansion, 0) AS expansion_mrr,
               coalesce(m.contraction, 0) AS contraction_mrr, coalesce(m.churn, 0) AS churned_mrr,
               coalesce(m.reactivation, 0) AS reactivation_mrr,
               ct.churned / ct.customers AS customer_churn_rate,
               ct.lost / ct.mrr_start AS gross_revenue_churn_rate,
               -- ChartMogul's standard net MRR churn: every movement of the period over the start MRR.
               (coalesce(m.churn, 0) + coalesce(m.contraction, 0) - coalesce(m.expansion, 0) - coalesce(m.reactivation, 0))
                   / ct.mrr_start AS net_revenue_churn_rate,
               (ct.lost - ct.gained) / ct.mrr_start AS net_revenue_churn_rate_cohort,
               nrr.mrr_now / nrr.mrr_then AS nrr
        FROM periods
        LEFT JOIN company ON company.p = periods.p
        LEFT JOIN movements m ON m.p = periods.p
        LEFT JOIN cohort ct ON ct.p = periods.p
        LEFT JOIN nrr ON nrr.p = periods.p
    """, params={"first": first, "last": last})

    # The dated records of the periods: [start of the first, start of the month after the last).
    span = {"start": f"{first // 12:04d}-{first % 12 + 1:02d}-01", "end": f"{end // 12:04d}-{end % 12 + 1:02d}-01"}

    # Voice of the customer: answers mapped onto the survey's standard scale when they use another one.
    voice = con.sql("""
        WITH answers AS (
            SELECT month_number(responded_at) AS p, survey,
                   CASE WHEN coalesce(scale_min, 0) = 0 AND coalesce(scale_max, 10) = 10 THEN score
                        ELSE (score - coalesce(scale_min, 0)) * 10 / (coalesce(scale_max, 10) - coalesce(scale_min, 0))
                   END AS nps_score,
                   CASE WHEN coalesce(scale_min, 1) = 1 AND coalesce(scale_max, 5) = 5 THEN score >= 4
                        ELSE score >= coalesce(scale_max, 5) - 0.2 * (coalesce(scale_max, 5) - coalesce(scale_min, 1))
                   END AS satisfied
            FROM survey_responses
            WHERE responded_at >= $start::TIMESTAMP AND responded_at < $end::TIMESTAMP
        )
        SELECT p,
               100.0 * (count(*) FILTER (WHERE survey = 'nps' AND nps_score >= 9)
                        - count(*) FILTER (WHERE survey = 'nps' AND nps_score <= 6))
                     / nullif(count(*) FILTER (WHERE survey = 'nps'), 0) AS nps,
               count(*) FILTER (WHERE survey = 'csat' AND satisfied)
                     / nullif(count(*) FILTER (WHERE survey = 'csat'), 0) AS csat
        FROM answers GROUP BY p
    """, params=span)

    # First contact resolution, measured on the tickets resolved in the period; an explicit flag overrides the
    # derivation from agent replies and reopens.
    support = con.sql("""
        SELECT month_number(resolved_at) AS p,
               count(*) FILTER (WHERE CASE
                   WHEN first_contact_resolution IN ('true', '1', 'yes', 'y', 't') THEN true
                   WHEN first_contact_resolution IN ('false', '0', 'no', 'n', 'f') THEN false
                   ELSE coalesce(agent_replies, 0) <= 1 AND coalesce(reopens, 0) = 0 END) / count(*) AS fcr_rate
        FROM tickets
        WHERE resolved_at >= $start::TIMESTAMP AND resolved_at < $end::TIMESTAMP
        GROUP BY p
    """, params=span)

    # Active users: distinct (account, user) pairs with an event in the period.
    usage = con.sql("""
        SELECT p, count(*) AS active_users FROM (
            SELECT DISTINCT month_number(occurred_at) AS p, account_id, user_id
            FROM usage_events
            WHERE occurred_at >= $start::TIMESTAMP AND occurred_at < $end::TIMESTAMP
        ) GROUP BY p
    """, params=span)

    rows = con.sql("""
        SELECT r.*, v.nps, v.csat, s.fcr_rate, coalesce(u.active_users, 0) AS active_users
        FROM revenue r
        LEFT JOIN voice v USING (p) LEFT JOIN support s USING (p) LEFT JOIN usage u USING (p)
        ORDER BY p
    """)
    names = rows.columns
    periods = []
    for values in rows.fetchall():
        row = dict(zip(names, values))
        out = {"period": f"{row['p'] // 12:04d}-{row['p'] % 12 + 1:02d}"}
        for kpi in KPIS:
            value = row[kpi]
            if value is None:
                out[kpi] = None
            elif kpi in MONEY:
                out[kpi] = round(int(value) / 10 ** exponent, exponent)
            elif kpi == "active_users":
                out[kpi] = int(value)
            else:
                out[kpi] = float(value)
        periods.append(out)
    return {"currency": currency, "periods": periods}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="dataset folder of canonical CSV files")
    parser.add_argument("--store", help="DuckDB database file to read (or, with --build, to create)")
    parser.add_argument("--build", action="store_true", help="import --data into --store and exit")
    parser.add_argument("--from", dest="first", help="first month, e.g. 2023-11")
    parser.add_argument("--to", dest="last", help="last month, e.g. 2026-10")
    args = parser.parse_args()

    if args.build:
        if not (args.data and args.store):
            parser.error("--build needs --data and --store")
        if os.path.exists(args.store):
            os.remove(args.store)
        con = duckdb.connect(args.store)
        con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = false")  # a bare date is midnight UTC
        build_store(con, args.data)
        con.close()
        return
    if not (args.first and args.last) or not (args.data or args.store):
        parser.error("give --from, --to and --data or --store")

    con = duckdb.connect(args.store or ":memory:", read_only=bool(args.store))
    con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = false")  # a bare date is midnight UTC
    if not args.store:
        attach_csv(con, args.data)
    currency, delinquency_days = settings(args.data)
    result = compute(con, month_number(args.first, False), month_number(args.last, True), currency, delinquency_days)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
