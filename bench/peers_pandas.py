#!/usr/bin/env python3
"""The benchmark's KPI subset computed with pandas, as an analyst would write it.

    python bench/peers_pandas.py --data DIR --from 2023-11 --to 2026-10            # from the canonical CSV files
    python bench/peers_pandas.py --data DIR --store PATH --build                   # write PATH/<table>.parquet
    python bench/peers_pandas.py --store PATH --from 2023-11 --to 2026-10          # from the parquet files

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
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

KPIS = [
    "mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
    "customer_churn_rate", "gross_revenue_churn_rate", "net_revenue_churn_rate", "nrr",
    "nps", "csat", "fcr_rate", "active_users",
]
MONEY = KPIS[:6]

# ISO 4217 currencies whose minor unit is not 1/100 (the reporting currency's exponent sets the rounding of MRR).
EXPONENTS = {c: 0 for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()}
EXPONENTS.update({c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()})
EXPONENTS.update({"CLF": 4, "UYW": 4})

# Columns each table needs, with the default of an optional column that may be absent (None = required).
# Money, percentages and rates stay text until the exact MRR computation; timestamps are parsed to UTC.
TABLES = {
    "subscriptions": ("subscriptions.csv", {
        "subscription_id": None, "account_id": None, "product": None, "amount": None, "currency": None,
        "interval": None, "interval_count": "1", "quantity": "1", "discount_percent": "0", "discount_amount": "0",
        "status": "active", "valid_from": None, "valid_to": "",
    }),
    "fx_rates": ("fx_rates.csv", {"date": None, "currency": None, "rate": None}),
    "survey_responses": ("survey_responses.csv", {
        "survey": None, "score": None, "scale_min": "", "scale_max": "", "responded_at": None,
    }),
    "tickets": ("tickets.csv", {
        "resolved_at": "", "agent_replies": "", "reopens": "", "first_contact_resolution": "",
    }),
    "usage_events": ("usage_events.csv", {"account_id": None, "user_id": None, "occurred_at": None}),
}
TIMESTAMPS = {"valid_from", "valid_to", "date", "responded_at", "resolved_at", "occurred_at"}
NUMBERS = {"score": float, "scale_min": float, "scale_max": float, "agent_replies": float, "reopens": float,
           "interval_count": int, "quantity": int}


def utc(column):
    """A timestamp column -> naive UTC timestamps, fractions of a second dropped.

    The pyarrow reader already parses uniform `...Z` columns; dates, offsets and mixed forms are parsed here.
    """
    if not isinstance(column.dtype, pd.DatetimeTZDtype):
        column = pd.to_datetime(column.astype("string").str.strip(), utc=True, format="ISO8601")
    return column.dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("s")


def read_csv(data, table):
    file, columns = TABLES[table]
    path = os.path.join(data, file)
    if os.path.exists(path):
        header = pd.read_csv(path, nrows=0).columns
        names = {c.strip().lower(): c for c in header}
        for name, default in columns.items():
            if name not in names and default is None:
                raise SystemExit(f"{path}: required column {name} is missing")
        wanted = [names[c] for c in columns if c in names]
        dtypes = {c: "str" for c in wanted if c.strip().lower() not in TIMESTAMPS}
        frame = pd.read_csv(path, usecols=wanted, dtype=dtypes, engine="pyarrow")
        frame.columns = [c.strip().lower() for c in frame.columns]
    else:  # every file is optional: a missing one has no records
        frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in columns})
    for name, default in columns.items():
        if name not in frame:
            frame[name] = default
        if name in TIMESTAMPS:
            frame[name] = utc(frame[name])
        elif name in NUMBERS:
            text = frame[name].str.strip().replace("", None)
            if default:
                text = text.fillna(default)
            frame[name] = pd.to_numeric(text).astype(NUMBERS[name] if default else float)
        else:
            frame[name] = frame[name].str.strip()
            if default:
                frame[name] = frame[name].replace("", None).fillna(default)
    return frame


def load_csv(data):
    return {table: read_csv(data, table) for table in TABLES}


def build_store(data, store):
    """Store mode: one typed parquet file per table."""
    os.makedirs(store, exist_ok=True)
    for table, frame in load_csv(data).items():
        frame.to_parquet(os.path.join(store, f"{table}.parquet"), index=False)


def load_store(store):
    return {table: pd.read_parquet(os.path.join(store, f"{table}.parquet")) for table in TABLES}


def month_start(text, last):
    """`2024`, `2024-03` or `2024-03-15` -> first day of the first (or, for --to, last) month it covers."""
    parts = text.split("-")
    month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
    return pd.Timestamp(year=int(parts[0]), month=month, day=1)


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


PER_MONTH = {"month": (1, 1), "year": (1, 12), "week": (52, 12), "day": (365, 12)}  # months per interval = den/num


def version_mrr(amount, quantity, discount_percent, discount_amount, interval, interval_count, rate, scale):
    """MRR of one version in minor units of the reporting currency, rounded once, half away from zero.

    Done in Decimal: in binary floating point an exact half-cent (EUR 1110.00 x 1.1135 = USD 1235.985) can come out
    a hair below the half and round the wrong way.
    """
    price = max(Decimal(0), Decimal(amount) * quantity * (1 - Decimal(discount_percent) / 100) - Decimal(discount_amount))
    num, den = PER_MONTH[interval.lower()]
    monthly = price * Decimal(rate) * scale * num / (den * max(1, interval_count))
    return int(monthly.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month(column):
    """Timestamps -> the first instant of their UTC month."""
    return column.dt.to_period("M").dt.start_time


def revenue_kpis(subs, fx, first, last, currency, delinquency_days):
    exponent = EXPONENTS.get(currency, 2)
    subs = subs.assign(currency=subs.currency.str.upper(), status=subs.status.str.lower())

    # Rate in force at valid_from: the latest on or before it, or the currency's first rate for earlier dates.
    fx = fx.assign(currency=fx.currency.str.upper())
    fx = fx[fx.currency != currency].sort_values("date")
    subs = pd.merge_asof(subs.sort_values("valid_from"), fx, left_on="valid_from", right_on="date",
                         by="currency", direction="backward")
    first_rate = fx.groupby("currency").rate.first()
    subs["rate"] = subs.rate.fillna(subs.currency.map(first_rate))
    subs.loc[subs.currency == currency, "rate"] = "1"
    if subs.rate.isna().any():
        raise SystemExit(f"no fx rate for {', '.join(sorted(subs.currency[subs.rate.isna()].unique()))}")
    terms = ["amount", "quantity", "discount_percent", "discount_amount", "interval", "interval_count", "rate"]
    subs["mrr"] = [version_mrr(*row, 10 ** exponent) for row in zip(*(subs[c].tolist() for c in terms))]

    # Spans during which a version counts: active for its whole validity; past_due until `delinquency_days` after
    # the first version of its unbroken past_due run started; trialing and paused never.
    subs = subs.sort_values(["subscription_id", "product", "valid_from"])
    item = subs.groupby(["subscription_id", "product"], sort=False)
    continues = ((subs.status == "past_due") & (item.status.shift() == "past_due")
                 & (item.valid_to.shift() == subs.valid_from))
    run = (~continues).cumsum()
    churn_at = subs.groupby(run).valid_from.transform("min") + pd.Timedelta(days=delinquency_days)
    past_due = subs.status == "past_due"
    counts = (subs.mrr != 0) & ((subs.status == "active") | (past_due & (churn_at > subs.valid_from)))
    cut = past_due & (subs.valid_to.isna() | (churn_at < subs.valid_to))
    spans = pd.DataFrame({
        "account_id": subs.account_id,
        "t_from": subs.valid_from,
        "t_to": subs.valid_to.mask(cut, churn_at),
        "mrr": subs.mrr,
    })[counts]

    # Changes: every instant at which an account's MRR changes, netted per (account, instant), then classified.
    starts = spans[["account_id", "t_from", "mrr"]].set_axis(["account_id", "t", "delta"], axis=1)
    ends = spans.loc[spans.t_to.notna(), ["account_id", "t_to", "mrr"]].set_axis(["account_id", "t", "delta"], axis=1)
    ends["delta"] = -ends.delta
    changes = (pd.concat([starts, ends]).groupby(["account_id", "t"], as_index=False).delta.sum()
               .sort_values(["account_id", "t"]))
    changes["after"] = changes.groupby("account_id").delta.cumsum()
    changes["before"] = changes.after - changes.delta
    paying = (changes.after > 0).astype(int)
    changes["paid_before"] = (changes.assign(p=paying).groupby("account_id").p.cumsum() - paying) > 0
    up = (changes.before == 0) & (changes.after > 0)
    changes["new"] = changes.after.where(up & ~changes.paid_before, 0)
    changes["reactivation"] = changes.after.where(up & changes.paid_before, 0)
    changes["expansion"] = (changes.after - changes.before).where((changes.before > 0) & (changes.after > changes.before), 0)
    changes["contraction"] = (changes.before - changes.after).where((changes.after > 0) & (changes.before > changes.after), 0)
    changes["churn"] = changes.before.where((changes.before > 0) & (changes.after == 0), 0)
    changes["period"] = month(changes.t)

    # Customer MRR at every month boundary from 11 months before the first period to the end of the last one
    # (accounts x boundaries): the sum of the account's changes strictly before the boundary.
    bounds = pd.date_range(first - pd.DateOffset(months=11), last + pd.DateOffset(months=1), freq="MS")
    before_end = changes[changes.t < bounds[-1]]
    boundary = (before_end.period + pd.DateOffset(months=1)).clip(lower=bounds[0])
    balances = (before_end.assign(b=boundary).pivot_table(index="account_id", columns="b", values="delta",
                                                          aggfunc="sum", fill_value=0)
                .reindex(columns=bounds, fill_value=0).cumsum(axis=1))

    periods = pd.date_range(first, last, freq="MS")
    start = balances[periods]                                                    # accounts x periods
    end = balances[periods + pd.DateOffset(months=1)].set_axis(periods, axis=1)
    year_ago = balances[periods - pd.DateOffset(months=11)].set_axis(periods, axis=1)  # just before end - 12 months
    cohort = start > 0                                                           # the start cohort of each period
    then = year_ago > 0                                                          # the NRR cohort of each period

    kinds = ["new", "expansion", "contraction", "churn", "reactivation"]
    movements = changes.groupby("period")[kinds].sum().reindex(periods, fill_value=0)
    members = cohort.stack().loc[lambda paying: paying].index.to_frame(index=False, name=["account_id", "period"])
    cohort_movements = (changes.merge(members, on=["account_id", "period"]).groupby("period")[kinds].sum()
                        .reindex(periods, fill_value=0))
    lost = cohort_movements.churn + cohort_movements.contraction
    gained = cohort_movements.expansion + cohort_movements.reactivation
    mrr_start = start.sum()
    customers = cohort.sum()
    result = pd.DataFrame({
        "mrr": end.sum(),
        "new_mrr": movements.new, "expansion_mrr": movements.expansion, "contraction_mrr": movements.contraction,
        "churned_mrr": movements.churn, "reactivation_mrr": movements.reactivation,
        "customer_churn_rate": ((cohort & (end == 0)).sum() / customers).where(customers > 0),
        "gross_revenue_churn_rate": (lost / mrr_start).where(mrr_start > 0),
        "net_revenue_churn_rate": ((lost - gained) / mrr_start).where(mrr_start > 0),
        "nrr": (end.where(then).sum() / year_ago.where(then).sum()).where(then.any()),
    })
    result.index = result.index.strftime("%Y-%m")
    result[MONEY] = result[MONEY] / 10 ** exponent
    return result.round({k: exponent for k in MONEY})


def in_periods(frame, column, first, last):
    at = frame[column]
    return frame[(at >= first) & (at < last + pd.DateOffset(months=1))]


def voice_kpis(surveys, first, last):
    """NPS and CSAT; answers on a scale other than the survey's standard one are mapped onto it."""
    answers = in_periods(surveys, "responded_at", first, last).copy()
    answers["survey"] = answers.survey.str.lower()
    answers["period"] = month(answers.responded_at).dt.strftime("%Y-%m")

    nps = answers[answers.survey == "nps"]
    low, high = nps.scale_min.fillna(0), nps.scale_max.fillna(10)
    standard = (low == 0) & (high == 10)
    score = nps.score.where(standard, (nps.score - low) * 10 / (high - low))
    group = nps.assign(promoter=score >= 9, detractor=score <= 6).groupby("period")
    nps_by_period = 100 * (group.promoter.sum() - group.detractor.sum()) / group.size()

    csat = answers[answers.survey == "csat"]
    low, high = csat.scale_min.fillna(1), csat.scale_max.fillna(5)
    standard = (low == 1) & (high == 5)
    satisfied = (csat.score >= 4).where(standard, csat.score >= high - 0.2 * (high - low))
    csat_by_period = satisfied.groupby(csat.period).mean()
    return pd.DataFrame({"nps": nps_by_period, "csat": csat_by_period})


def support_kpis(tickets, first, last):
    """First contact resolution of the tickets resolved in the period; the explicit flag overrides the derivation."""
    resolved = in_periods(tickets, "resolved_at", first, last)
    flag = resolved.first_contact_resolution.str.lower()
    derived = (resolved.agent_replies.fillna(0) <= 1) & (resolved.reopens.fillna(0) == 0)
    fcr = derived.mask(flag.isin(["true", "1", "yes", "y", "t"]), True).mask(flag.isin(["false", "0", "no", "n", "f"]), False)
    return fcr.groupby(month(resolved.resolved_at).dt.strftime("%Y-%m")).mean().rename("fcr_rate").to_frame()


def usage_kpis(events, first, last):
    """Active users: distinct (account, user) pairs with an event in the period."""
    events = in_periods(events, "occurred_at", first, last)
    active = (events.assign(period=month(events.occurred_at))
              .drop_duplicates(["period", "account_id", "user_id"]).groupby("period").size())
    active.index = active.index.strftime("%Y-%m")
    return active.rename("active_users").to_frame()


def compute(tables, first, last, currency, delinquency_days):
    result = revenue_kpis(tables["subscriptions"], tables["fx_rates"], first, last, currency, delinquency_days)
    result = (result.join(voice_kpis(tables["survey_responses"], first, last))
              .join(support_kpis(tables["tickets"], first, last))
              .join(usage_kpis(tables["usage_events"], first, last)))
    result["active_users"] = result.active_users.fillna(0).astype(int)
    periods = []
    for period, row in result.iterrows():
        out = {"period": period}
        for kpi in KPIS:
            value = row[kpi]
            out[kpi] = None if pd.isna(value) else (int(value) if kpi == "active_users" else float(value))
        periods.append(out)
    return {"currency": currency, "periods": periods}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="dataset folder of canonical CSV files")
    parser.add_argument("--store", help="folder of parquet files to read (or, with --build, to write)")
    parser.add_argument("--build", action="store_true", help="convert --data into --store and exit")
    parser.add_argument("--from", dest="first", help="first month, e.g. 2023-11")
    parser.add_argument("--to", dest="last", help="last month, e.g. 2026-10")
    args = parser.parse_args()

    if args.build:
        if not (args.data and args.store):
            parser.error("--build needs --data and --store")
        build_store(args.data, args.store)
        return
    if not (args.first and args.last) or not (args.data or args.store):
        parser.error("give --from, --to and --data or --store")

    tables = load_store(args.store) if args.store else load_csv(args.data)
    currency, delinquency_days = settings(args.data)
    result = compute(tables, month_start(args.first, False), month_start(args.last, True), currency,
                     delinquency_days)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
