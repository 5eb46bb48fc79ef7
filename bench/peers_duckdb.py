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
import json
import os
import sys
import tomllib

import duckdb

KPIS = [
    "mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
    "customer_churn_rate", "gross_revenue_churn_rate", "net_revenue_churn_rate", "nrr",
    "nps", "csat", "fcr_rate", "active_users",
]

# ISO 4217 currencies whose minor unit is not 1/100 (the reporting currency's exponent sets the rounding of MRR).
EXPONENTS = {c: 0 for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()}
EXPONENTS.update({c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()})
EXPONENTS.update({"CLF": 4, "UYW": 4})

TIMESTAMP = "CAST(CAST(nullif(trim({c}), '') AS TIMESTAMPTZ) AS TIMESTAMP)"  # UTC, offsets applied

# The typed tables the KPIs use: file -> (column, SQL expression over the raw text column, default when absent).
TABLES = {
    "subscriptions": ("subscriptions.csv", [
        ("subscription_id", "trim({c})", None),
        ("account_id", "trim({c})", None),
        ("product", "trim({c})", None),
        ("amount", "CAST(trim({c}) AS DECIMAL(18,4))", None),
        ("currency", "upper(trim({c}))", None),
        ("interval", "lower(trim({c}))", None),
        ("interval_count", "CAST(coalesce(nullif(trim({c}), ''), '1') AS INTEGER)", "1"),
        ("quantity", "CAST(coalesce(nullif(trim({c}), ''), '1') AS BIGINT)", "1"),
        ("discount_percent", "CAST(coalesce(nullif(trim({c}), ''), '0') AS DECIMAL(9,4))", "0"),
        ("discount_amount", "CAST(coalesce(nullif(trim({c}), ''), '0') AS DECIMAL(18,4))", "0"),
        ("status", "lower(coalesce(nullif(trim({c}), ''), 'active'))", "'active'"),
        ("valid_from", TIMESTAMP, None),
        ("valid_to", TIMESTAMP, "NULL::TIMESTAMP"),
    ]),
    "fx_rates": ("fx_rates.csv", [
        ("date", TIMESTAMP, None),
        ("currency", "upper(trim({c}))", None),
        ("rate", "CAST(trim({c}) AS DECIMAL(18,10))", None),
    ]),
    "survey_responses": ("survey_responses.csv", [
        ("survey", "lower(trim({c}))", None),
        ("score", "CAST(trim({c}) AS DOUBLE)", None),
        ("scale_min", "CAST(nullif(trim({c}), '') AS DOUBLE)", "NULL::DOUBLE"),
        ("scale_max", "CAST(nullif(trim({c}), '') AS DOUBLE)", "NULL::DOUBLE"),
        ("responded_at", TIMESTAMP, None),
    ]),
    "tickets": ("tickets.csv", [
        ("resolved_at", TIMESTAMP, "NULL::TIMESTAMP"),
        ("agent_replies", "CAST(nullif(trim({c}), '') AS INTEGER)", "NULL::INTEGER"),
        ("reopens", "CAST(nullif(trim({c}), '') AS INTEGER)", "NULL::INTEGER"),
        ("first_contact_resolution", "lower(nullif(trim({c}), ''))", "NULL::VARCHAR"),
    ]),
    "usage_events": ("usage_events.csv", [
        ("account_id", "trim({c})", None),
        ("user_id", "trim({c})", None),
        ("occurred_at", TIMESTAMP, None),
    ]),
}


def typed_select(con, data, table):
    """A SELECT that reads one CSV file as text and types its columns (headers are case-insensitive)."""
    file, columns = TABLES[table]
    path = os.path.join(data, file)
    if not os.path.exists(path):  # every file is optional: a missing one has no records
        return "SELECT " + ", ".join(f"{expr.format(c='NULL::VARCHAR')} AS {name}" for name, expr, _ in columns) \
            + " LIMIT 0"
    source = f"read_csv('{path}', header = true, all_varchar = true, normalize_names = true)"
    present = {row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    exprs = []
    for name, expr, default in columns:
        if name in present:
            exprs.append(f"{expr.format(c=name)} AS {name}")
        elif default is not None:
            exprs.append(f"{default} AS {name}")
        else:
            raise SystemExit(f"{path}: required column {name} is missing")
    return f"SELECT {', '.join(exprs)} FROM {source}"


def attach_csv(con, data):
    """CSV mode: every table is a view over its file, so each run parses the CSV (loading included)."""
    for table in TABLES:
        con.execute(f"CREATE TEMP VIEW {table} AS {typed_select(con, data, table)}")


def build_store(con, data):
    """Store mode: import the CSV files once into typed tables of the database file."""
    for table in TABLES:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {typed_select(con, data, table)}")
    con.execute("CHECKPOINT")


def month_start(text, last):
    """`2024`, `2024-03` or `2024-03-15` -> first day of the first (or, for --to, last) month it covers."""
    parts = text.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
    return f"{year:04d}-{month:02d}-01"


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
    exponent = EXPONENTS.get(currency, 2)

    # MRR of each subscription version, in minor units of the reporting currency:
    #   round(price x rate x 10^exponent / months), half away from zero, rate in force at valid_from (ASOF join;
    #   the first rate for earlier dates). DuckDB would divide DECIMALs in DOUBLE, which can round an exact
    #   half-cent tie the wrong way, so the single division is done on integers: floor((2n + d) / 2d).
    con.execute("""
        CREATE OR REPLACE TEMP TABLE versions AS
        WITH fx AS (SELECT * FROM fx_rates WHERE currency <> $rep),
        first_rate AS (SELECT currency, arg_min(rate, date) AS rate FROM fx GROUP BY currency),
        priced AS (
            SELECT s.*,
                   CASE WHEN s.currency = $rep THEN 1 ELSE coalesce(f.rate, fr.rate) END AS rate,
                   greatest(0, s.amount * s.quantity * (1 - s.discount_percent * 0.01) - s.discount_amount) AS price,
                   CASE s.interval WHEN 'month' THEN 1 WHEN 'year' THEN 1 WHEN 'week' THEN 52 WHEN 'day' THEN 365
                   END AS per_month_num,
                   CASE s.interval WHEN 'month' THEN 1 ELSE 12 END * greatest(1, s.interval_count) AS per_month_den
            FROM subscriptions s
            ASOF LEFT JOIN fx f ON s.currency = f.currency AND s.valid_from >= f.date
            LEFT JOIN first_rate fr ON s.currency = fr.currency
        ),
        scaled AS (
            SELECT *, CAST(price * rate * $scale * per_month_num AS DECIMAL(38,10)) AS n FROM priced
        )
        SELECT subscription_id, account_id, product, status, valid_from, valid_to, rate,
               CAST((CAST(n * 10000000000 AS HUGEINT) * 2 + per_month_den * 10000000000)
                    // (per_month_den * 20000000000) AS BIGINT) AS mrr
        FROM scaled
    """, {"rep": currency, "scale": 10 ** exponent})
    missing = con.sql("SELECT DISTINCT currency FROM subscriptions WHERE currency NOT IN "
                      "(SELECT currency FROM fx_rates) AND currency <> ?", params=[currency]).fetchall()
    if missing:
        raise SystemExit(f"no fx rate for {', '.join(m[0] for m in missing)}")

    # Spans during which a version counts: active for its whole validity; past_due until `delinquency_days` after
    # the first version of its unbroken past_due run started; trialing and paused never.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE spans AS
        WITH ordered AS (
            SELECT *, status = 'past_due' AND lag(status) OVER w = 'past_due' AND lag(valid_to) OVER w = valid_from
                      AS continues_past_due
            FROM versions
            WINDOW w AS (PARTITION BY subscription_id, product ORDER BY valid_from)
        ),
        runs AS (
            SELECT *, sum(CASE WHEN continues_past_due THEN 0 ELSE 1 END)
                      OVER (PARTITION BY subscription_id, product ORDER BY valid_from ROWS UNBOUNDED PRECEDING) AS run
            FROM ordered
        ),
        delinquency AS (
            SELECT *, min(valid_from) OVER (PARTITION BY subscription_id, product, run)
                      + INTERVAL {int(delinquency_days)} DAY AS churn_at
            FROM runs
        )
        SELECT account_id, product, valid_from AS t_from,
               CASE WHEN status = 'past_due' AND (valid_to IS NULL OR churn_at < valid_to) THEN churn_at
                    ELSE valid_to END AS t_to,
               mrr
        FROM delinquency
        WHERE mrr <> 0 AND (status = 'active' OR (status = 'past_due' AND churn_at > valid_from))
    """)

    # Changes: every instant at which an account's MRR changes, netted per (account, instant), then classified.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE changes AS
        WITH deltas AS (
            SELECT account_id, t, sum(delta) AS delta FROM (
                SELECT account_id, t_from AS t, mrr AS delta FROM spans
                UNION ALL
                SELECT account_id, t_to AS t, -mrr AS delta FROM spans WHERE t_to IS NOT NULL
            ) GROUP BY account_id, t
        ),
        running AS (
            SELECT *, sum(delta) OVER w AS after
            FROM deltas WINDOW w AS (PARTITION BY account_id ORDER BY t ROWS UNBOUNDED PRECEDING)
        ),
        history AS (
            SELECT *, after - delta AS before,
                   coalesce(max(after) OVER (PARTITION BY account_id ORDER BY t
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) > 0 AS paid_before
            FROM running
        )
        SELECT account_id, t, date_trunc('month', t) AS period, before, after,
               CASE WHEN before = 0 AND after > 0 AND NOT paid_before THEN after ELSE 0 END AS new,
               CASE WHEN before = 0 AND after > 0 AND paid_before THEN after ELSE 0 END AS reactivation,
               CASE WHEN before > 0 AND after > before THEN after - before ELSE 0 END AS expansion,
               CASE WHEN after > 0 AND before > after THEN before - after ELSE 0 END AS contraction,
               CASE WHEN before > 0 AND after = 0 THEN before ELSE 0 END AS churn
        FROM history
    """)

    # Customer MRR at every month boundary b from 11 months before the first period to the end of the last one:
    # the sum of the account's changes strictly before b.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE balances AS
        WITH bounds AS (
            SELECT unnest(generate_series(CAST($first AS TIMESTAMP) - INTERVAL 11 MONTH,
                                          CAST($last AS TIMESTAMP) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS b
        ),
        monthly AS (
            SELECT account_id,
                   greatest(period + INTERVAL 1 MONTH, CAST($first AS TIMESTAMP) - INTERVAL 11 MONTH) AS b,
                   sum(after - before) AS delta
            FROM changes WHERE t < CAST($last AS TIMESTAMP) + INTERVAL 1 MONTH
            GROUP BY ALL
        )
        SELECT a.account_id, bounds.b,
               sum(coalesce(m.delta, 0)) OVER (PARTITION BY a.account_id ORDER BY bounds.b) AS mrr
        FROM (SELECT DISTINCT account_id FROM changes) a
        CROSS JOIN bounds
        LEFT JOIN monthly m ON m.account_id = a.account_id AND m.b = bounds.b
    """, {"first": first, "last": last})

    revenue = con.sql("""
        WITH periods AS (
            SELECT unnest(generate_series(CAST($first AS TIMESTAMP), CAST($last AS TIMESTAMP), INTERVAL 1 MONTH)) AS p
        ),
        company AS (
            SELECT b - INTERVAL 1 MONTH AS p, sum(mrr) AS mrr FROM balances GROUP BY b
        ),
        movements AS (
            SELECT period AS p, sum(new) AS new, sum(expansion) AS expansion, sum(contraction) AS contraction,
                   sum(churn) AS churn, sum(reactivation) AS reactivation
            FROM changes GROUP BY period
        ),
        cohort AS (   -- the start cohort: paying at the period start
            SELECT periods.p, s.account_id, s.mrr AS mrr_start, e.mrr AS mrr_end
            FROM periods
            JOIN balances s ON s.b = periods.p AND s.mrr > 0
            JOIN balances e ON e.account_id = s.account_id AND e.b = periods.p + INTERVAL 1 MONTH
        ),
        cohort_totals AS (
            SELECT p, count(*) AS customers, count(*) FILTER (WHERE mrr_end = 0) AS churned,
                   sum(mrr_start) AS mrr_start
            FROM cohort GROUP BY p
        ),
        cohort_movements AS (
            SELECT cohort.p, sum(c.churn) AS churn, sum(c.contraction) AS contraction,
                   sum(c.expansion) AS expansion, sum(c.reactivation) AS reactivation
            FROM cohort JOIN changes c ON c.account_id = cohort.account_id AND c.period = cohort.p
            GROUP BY cohort.p
        ),
        nrr AS (      -- customers paying just before the period end moved back 12 months
            SELECT periods.p, sum(now.mrr) AS mrr_now, sum(then_.mrr) AS mrr_then
            FROM periods
            JOIN balances then_ ON then_.b = periods.p - INTERVAL 11 MONTH AND then_.mrr > 0
            JOIN balances now ON now.account_id = then_.account_id AND now.b = periods.p + INTERVAL 1 MONTH
            GROUP BY periods.p
        )
        SELECT strftime(periods.p, '%Y-%m') AS period,
               coalesce(company.mrr, 0) AS mrr,
               coalesce(m.new, 0) AS new_mrr, coalesce(m.expansion, 0) AS expansion_mrr,
               coalesce(m.contraction, 0) AS contraction_mrr, coalesce(m.churn, 0) AS churned_mrr,
               coalesce(m.reactivation, 0) AS reactivation_mrr,
               ct.churned / ct.customers AS customer_churn_rate,
               (coalesce(cm.churn, 0) + coalesce(cm.contraction, 0)) / ct.mrr_start AS gross_revenue_churn_rate,
               (coalesce(cm.churn, 0) + coalesce(cm.contraction, 0) - coalesce(cm.expansion, 0)
                - coalesce(cm.reactivation, 0)) / ct.mrr_start AS net_revenue_churn_rate,
               nrr.mrr_now / nrr.mrr_then AS nrr
        FROM periods
        LEFT JOIN company ON company.p = periods.p
        LEFT JOIN movements m ON m.p = periods.p
        LEFT JOIN cohort_totals ct ON ct.p = periods.p
        LEFT JOIN cohort_movements cm ON cm.p = periods.p
        LEFT JOIN nrr ON nrr.p = periods.p
        ORDER BY periods.p
    """, params={"first": first, "last": last})

    # Voice of the customer: answers mapped onto the survey's standard scale when they use another one.
    voice = con.sql("""
        WITH answers AS (
            SELECT date_trunc('month', responded_at) AS p, survey,
                   CASE WHEN coalesce(scale_min, 0) = 0 AND coalesce(scale_max, 10) = 10 THEN score
                        ELSE (score - coalesce(scale_min, 0)) * 10 / (coalesce(scale_max, 10) - coalesce(scale_min, 0))
                   END AS nps_score,
                   CASE WHEN coalesce(scale_min, 1) = 1 AND coalesce(scale_max, 5) = 5 THEN score >= 4
                        ELSE score >= coalesce(scale_max, 5) - 0.2 * (coalesce(scale_max, 5) - coalesce(scale_min, 1))
                   END AS satisfied
            FROM survey_responses
            WHERE responded_at >= CAST($first AS TIMESTAMP) AND responded_at < CAST($last AS TIMESTAMP) + INTERVAL 1 MONTH
        )
        SELECT strftime(p, '%Y-%m') AS period,
               100.0 * (count(*) FILTER (WHERE survey = 'nps' AND nps_score >= 9)
                        - count(*) FILTER (WHERE survey = 'nps' AND nps_score <= 6))
                     / nullif(count(*) FILTER (WHERE survey = 'nps'), 0) AS nps,
               count(*) FILTER (WHERE survey = 'csat' AND satisfied)
                     / nullif(count(*) FILTER (WHERE survey = 'csat'), 0) AS csat
        FROM answers GROUP BY p
    """, params={"first": first, "last": last})

    # First contact resolution, measured on the tickets resolved in the period; an explicit flag overrides the
    # derivation from agent replies and reopens.
    support = con.sql("""
        SELECT strftime(date_trunc('month', resolved_at), '%Y-%m') AS period,
               count(*) FILTER (WHERE CASE
                   WHEN first_contact_resolution IN ('true', '1', 'yes', 'y', 't') THEN true
                   WHEN first_contact_resolution IN ('false', '0', 'no', 'n', 'f') THEN false
                   ELSE coalesce(agent_replies, 0) <= 1 AND coalesce(reopens, 0) = 0 END) / count(*) AS fcr_rate
        FROM tickets
        WHERE resolved_at >= CAST($first AS TIMESTAMP) AND resolved_at < CAST($last AS TIMESTAMP) + INTERVAL 1 MONTH
        GROUP BY ALL
    """, params={"first": first, "last": last})

    # Active users: distinct (account, user) pairs with an event in the period.
    usage = con.sql("""
        SELECT strftime(date_trunc('month', occurred_at), '%Y-%m') AS period,
               count(DISTINCT (account_id, user_id)) AS active_users
        FROM usage_events
        WHERE occurred_at >= CAST($first AS TIMESTAMP) AND occurred_at < CAST($last AS TIMESTAMP) + INTERVAL 1 MONTH
        GROUP BY ALL
    """, params={"first": first, "last": last})

    rows = con.sql("""
        SELECT r.*, v.nps, v.csat, s.fcr_rate, coalesce(u.active_users, 0) AS active_users
        FROM revenue r
        LEFT JOIN voice v USING (period) LEFT JOIN support s USING (period) LEFT JOIN usage u USING (period)
        ORDER BY period
    """)
    names = rows.columns
    periods = []
    money = {"mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr"}
    for values in rows.fetchall():
        row = dict(zip(names, values))
        out = {"period": row["period"]}
        for kpi in KPIS:
            value = row[kpi]
            if value is None:
                out[kpi] = None
            elif kpi in money:
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
        con.execute("SET TimeZone = 'UTC'")
        build_store(con, args.data)
        con.close()
        return
    if not (args.first and args.last) or not (args.data or args.store):
        parser.error("give --from, --to and --data or --store")

    con = duckdb.connect(args.store, read_only=True) if args.store else duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if not args.store:
        attach_csv(con, args.data)
    currency, delinquency_days = settings(args.data)
    result = compute(con, month_start(args.first, False), month_start(args.last, True), currency, delinquency_days)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
