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
import csv
import json
import os
import sys
import tomllib
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

KPIS = [
    "mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
    "customer_churn_rate", "gross_revenue_churn_rate", "net_revenue_churn_rate", "net_revenue_churn_rate_cohort", "nrr",
    "nps", "csat", "fcr_rate", "active_users",
]
MONEY = KPIS[:6]

# ISO 4217 currencies whose minor unit is not 1/100 (the reporting currency's exponent sets the rounding of MRR).
EXPONENTS = {c: 0 for c in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()}
EXPONENTS.update({c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()})
EXPONENTS.update({"CLF": 4, "UYW": 4})

# Columns each table needs: kind and the default of an optional column (None = required, "" = no value).
# Kinds: id (text, trimmed), word (text, trimmed and matched case-insensitively), decimal (exact decimal text, for
# the MRR computation), int, float, time (a UTC instant), dict (text as written, dictionary-encoded).
TABLES = {
    "subscriptions": ("subscriptions.csv", {
        "subscription_id": ("id", None), "account_id": ("id", None), "product": ("id", None),
        "amount": ("decimal", None), "currency": ("word", None), "interval": ("word", None),
        "interval_count": ("int", 1), "quantity": ("int", 1), "discount_percent": ("decimal", "0"),
        "discount_amount": ("decimal", "0"), "status": ("word", "active"), "valid_from": ("time", None),
        "valid_to": ("time", ""),
    }),
    "fx_rates": ("fx_rates.csv", {"date": ("time", None), "currency": ("word", None), "rate": ("decimal", None)}),
    "survey_responses": ("survey_responses.csv", {
        "survey": ("word", None), "score": ("float", None), "scale_min": ("float", ""), "scale_max": ("float", ""),
        "responded_at": ("time", None),
    }),
    "tickets": ("tickets.csv", {
        "resolved_at": ("time", ""), "agent_replies": ("float", ""), "reopens": ("float", ""),
        "first_contact_resolution": ("word", ""),
    }),
    # The usage ids are only counted: dictionary-encoded, they become categoricals (integer codes).
    "usage_events": ("usage_events.csv", {"account_id": ("dict", None), "user_id": ("dict", None),
                                          "occurred_at": ("time", None)}),
}
# How the CSV reader types each kind. Timestamps: `2024-03-01T12:00:00Z` or a bare date `2024-03-01` (midnight UTC),
# as `vitals generate` writes them; any other form (offsets, fractions) makes the reader fail, and the file is read
# again as text and parsed with the general ISO 8601 parser (see read_csv).
READ_AS = {"id": pa.string(), "word": pa.string(), "decimal": pa.string(), "int": pa.int64(), "float": pa.float64(),
           "time": pa.timestamp("s"), "dict": pa.dictionary(pa.int32(), pa.string())}
TIMESTAMP_FORMATS = ["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"]


def utc(text):
    """Timestamps as text -> UTC seconds (naive): offsets applied, a bare date is midnight UTC, fractions dropped."""
    bare = pc.equal(pc.binary_length(text), 10)
    text = pc.if_else(bare, pc.binary_join_element_wise(text, "T00:00:00Z", ""), text)
    return pc.cast(pc.cast(text, pa.timestamp("ns", tz="UTC")), pa.timestamp("s"), safe=False)


def parse(text, kind):
    """A text column read by the fallback path -> the type READ_AS gives the kind (values trimmed, empty = null)."""
    if kind == "dict":
        return pc.dictionary_encode(text)
    if kind == "id":
        return text
    text = pc.utf8_trim_whitespace(text)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if kind == "time":
        return utc(text)
    return pc.cast(text, READ_AS[kind])


def read_csv(data, table):
    """One CSV file as a typed frame of the columns the KPIs use, with the defaults of absent optional columns."""
    file, columns = TABLES[table]
    path = os.path.join(data, file)
    if os.path.exists(path):
        with open(path, newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f), [])
        names = {name.strip().lower(): name for name in header}  # headers are case-insensitive
        for name, (_, default) in columns.items():
            if name not in names and default is None:
                raise SystemExit(f"{path}: required column {name} is missing")
        wanted = {names[name]: kind for name, (kind, _) in columns.items() if name in names}
        options = dict(include_columns=list(wanted), strings_can_be_null=True)
        try:
            arrow = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: READ_AS[kind] for c, kind in wanted.items()}, timestamp_parsers=TIMESTAMP_FORMATS,
                **options))
        except pa.ArrowInvalid:  # timestamps with offsets or fractions, or padded values: text first
            arrow = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in wanted}, **options))
            arrow = pa.table({c: parse(arrow[c], kind) for c, kind in wanted.items()})
        arrow = arrow.rename_columns([c.strip().lower() for c in arrow.column_names])
    else:  # every file is optional: a missing one has no records
        arrow = pa.table({name: pa.array([], READ_AS[kind]) for name, (kind, _) in columns.items()})
    frame = arrow.to_pandas()
    for name, (kind, default) in columns.items():
        if name not in frame:  # an optional column that is absent: its default
            frame[name] = pa.nulls(len(frame), READ_AS[kind]).to_pandas() if default == "" else default
        if kind == "word":
            frame[name] = frame[name].str.strip().str.lower()
        elif kind in ("id", "decimal"):
            frame[name] = frame[name].str.strip()
        if default not in (None, "") and frame[name].hasnans:
            frame[name] = frame[name].fillna(default).astype("int64" if kind == "int" else frame[name].dtype)
    return frame[list(columns)]


def load_csv(data):
    return {table: read_csv(data, table) for table in TABLES}


def build_store(data, store):
    """Store mode: one typed parquet file per table."""
    os.makedirs(store, exist_ok=True)
    for table, frame in load_csv(data).items():
        frame.to_parquet(os.path.join(store, f"{table}.parquet"), index=False)


def load_store(store):
    return {table: pd.read_parquet(os.path.join(store, f"{table}.parquet")) for table in TABLES}


def month_number(text, last):
    """`2024`, `2024-03` or `2024-03-15` -> year x 12 + month - 1 of the first (or, for --to, last) month it covers."""
    parts = text.split("-")
    month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
    return int(parts[0]) * 12 + month - 1


def months(column):
    """UTC instants -> their month as year x 12 + month - 1 (NaT -> a number before any period)."""
    return column.to_numpy("datetime64[s]").astype("datetime64[M]").astype("int64") + 1970 * 12


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


# Months per interval = PER_MONTH_DEN / PER_MONTH_NUM.
PER_MONTH_NUM = {"month": 1, "year": 1, "week": 52, "day": 365}
PER_MONTH_DEN = {"month": 1, "year": 12, "week": 12, "day": 12}


def scaled(text):
    """Exact decimal text -> (integers, scale) with value = integer / 10^scale, the scale the smallest that fits.

    Prices, discounts and rates take few distinct values: each is converted once (factorize), then looked up.
    """
    codes, values = pd.factorize(text)
    values = [Decimal(v) for v in values]
    scale = max([0] + [-v.as_tuple().exponent for v in values])
    return np.array([int(v.scaleb(scale)) for v in values] or [0], dtype="int64")[codes], scale


def version_mrr(subs, exponent):
    """MRR of each version in minor units of the reporting currency, rounded once, half away from zero.

    Exact, in integers: with value = integer / 10^scale for the amount (a), the percentage (p) and the rate (r),
        price x 10^(a + p + 2) = amount x quantity x (100 x 10^p - percent) - discount_amount x 100 x 10^p
        MRR = round(n / d), n = price x rate x 10^exponent x num, d = 10^(a + p + 2 + r) x den
    and round(n / d) = floor((2n + d) / 2d) for n >= 0. In binary floating point an exact half cent (EUR 1110.00 x
    1.1135 = USD 1235.985) can come out a hair below the half and round the wrong way. The integers are int64 when
    they fit, else Python integers (object arrays), which never overflow.
    """
    amount, a = scaled(subs.amount)
    discount, d = scaled(subs.discount_amount)
    percent, p = scaled(subs.discount_percent)
    rate, r = scaled(subs.rate)
    codes, intervals = pd.factorize(subs.interval)
    if not set(intervals) <= set(PER_MONTH_NUM):
        raise SystemExit(f"unknown interval {sorted(set(intervals) - set(PER_MONTH_NUM))}")
    num = np.array([PER_MONTH_NUM[i] for i in intervals] or [1], dtype="int64")[codes]
    den = np.array([PER_MONTH_DEN[i] for i in intervals] or [1], dtype="int64")[codes] \
        * np.maximum(1, subs.interval_count.to_numpy("int64"))
    quantity = subs.quantity.to_numpy("int64")
    hundred = 100 * 10 ** p
    a, up_amount, up_discount = max(a, d), 10 ** max(0, d - a), 10 ** max(0, a - d)  # one scale for both amounts
    # The largest 2n + d, estimated in floating point, decides whether int64 is wide enough.
    bound = (np.abs(amount * float(up_amount) * quantity * (hundred + np.abs(percent)))
             + np.abs(discount * float(up_discount) * hundred)) * np.abs(rate) * 10.0 ** exponent * num * 2 \
        + 10.0 ** (a + p + 2 + r) * den
    if len(bound) and bound.max() >= 2 ** 62:
        amount, discount, percent, rate, num, den, quantity = (
            x.astype(object) for x in (amount, discount, percent, rate, num, den, quantity))
    amount, discount = amount * up_amount, discount * up_discount
    price = np.maximum(0, amount * quantity * (hundred - percent) - discount * hundred)
    n = price * rate * 10 ** exponent * num
    d = 10 ** (a + p + 2 + r) * den
    return ((2 * n + d) // (2 * d)).astype("int64")


def revenue_kpis(subs, fx, first, last, currency, delinquency_days):
    exponent = EXPONENTS.get(currency, 2)
    subs = subs.reset_index(drop=True)
    codes, accounts = pd.factorize(subs.account_id)  # accounts numbered 0..n-1
    subs = subs.assign(currency=subs.currency.str.upper(), a=codes)

    # Rate in force at valid_from (exact text): 1 in the reporting currency; else the latest rate on or before it,
    # or the currency's first rate for earlier dates.
    fx = fx.assign(currency=fx.currency.str.upper())
    fx = fx[fx.currency != currency].sort_values("date")
    foreign = subs.loc[subs.currency != currency, ["currency", "valid_from"]].sort_values("valid_from")
    foreign = pd.merge_asof(foreign.reset_index(), fx, left_on="valid_from", right_on="date", by="currency")
    rates = foreign.rate.fillna(foreign.currency.map(fx.groupby("currency").rate.first()))
    if rates.isna().any():
        raise SystemExit(f"no fx rate for {', '.join(sorted(foreign.currency[rates.isna()].unique()))}")
    subs["rate"] = "1"
    subs.loc[foreign["index"].to_numpy(), "rate"] = rates.to_numpy()
    subs["mrr"] = version_mrr(subs, exponent)

    # Spans during which a version counts: active for its whole validity; past_due until `delinquency_days` after
    # the first version of its unbroken run of past_due versions started (a run continues while a past_due version
    # starts where the item's previous past_due one ended); trialing and paused never.
    due = subs[subs.status == "past_due"].sort_values(["subscription_id", "product", "valid_from"])
    same_item = (due.subscription_id == due.subscription_id.shift()) & (due["product"] == due["product"].shift())
    continues = same_item & (due.valid_to.shift() == due.valid_from)
    churn_at = due.valid_from.where(~continues).ffill() + pd.Timedelta(days=delinquency_days)
    counts = (due.mrr != 0) & (churn_at > due.valid_from)
    due, churn_at = due[counts], churn_at[counts]
    active = subs[(subs.status == "active") & (subs.mrr != 0)]
    spans = pd.concat([
        active[["a", "valid_from", "valid_to", "mrr"]],
        due[["a", "valid_from", "mrr"]].assign(valid_to=due.valid_to.where(due.valid_to <= churn_at, churn_at)),
    ])

    # Changes: every instant at which an account's MRR changes, netted per (account, instant), then classified
    # (the customer "paid before" when the instant is after the account's first one with MRR > 0).
    ended = spans[spans.valid_to.notna()]
    changes = (pd.concat([pd.DataFrame({"a": spans.a, "t": spans.valid_from, "delta": spans.mrr}),
                          pd.DataFrame({"a": ended.a, "t": ended.valid_to, "delta": -ended.mrr})])
               .groupby(["a", "t"], as_index=False).delta.sum())  # sorted by account and instant
    changes["after"] = changes.groupby("a").delta.cumsum()
    changes["before"] = changes.after - changes.delta
    paid_before = changes.t > changes.t.where(changes.after > 0).groupby(changes.a).transform("min")
    up = (changes.before == 0) & (changes.after > 0)
    changes["new"] = changes.after.where(up & ~paid_before, 0)
    changes["reactivation"] = changes.after.where(up & paid_before, 0)
    changes["expansion"] = (changes.after - changes.before).where((changes.before > 0) & (changes.after > changes.before), 0)
    changes["contraction"] = (changes.before - changes.after).where((changes.after > 0) & (changes.before > changes.after), 0)
    changes["churn"] = changes.before.where((changes.before > 0) & (changes.after == 0), 0)
    changes["m"] = months(changes.t)
    kinds = ["delta", "new", "expansion", "contraction", "churn", "reactivation"]
    by_month = changes.groupby(["a", "m"], sort=False)[kinds].sum().reset_index()  # per account and month

    # Customer MRR at every month boundary b (the first instant of month b) from 11 months before the first period
    # to the end of the last one (accounts x boundaries): the sum of the account's changes strictly before b.
    b0, end = first - 11, last + 1
    before_end = by_month[by_month.m < end]
    balances = np.zeros((len(accounts), end - b0 + 1), dtype="int64")
    np.add.at(balances, (before_end.a.to_numpy(), np.maximum(before_end.m.to_numpy() + 1, b0) - b0),
              before_end.delta.to_numpy())
    balances = balances.cumsum(axis=1)

    periods = np.arange(first, last + 1)
    start = balances[:, periods - b0]                 # accounts x periods
    finish = balances[:, periods + 1 - b0]
    year_ago = balances[:, periods - 11 - b0]         # just before the period end moved back 12 months
    cohort = start > 0                                # the start cohort of each period
    then = year_ago > 0                               # the NRR cohort of each period

    in_range = by_month[(by_month.m >= first) & (by_month.m <= last)]
    movements = in_range.groupby("m")[kinds].sum().reindex(periods, fill_value=0)
    # The start cohort's movements: the changes of accounts paying at the start of their month.
    members = in_range[cohort[in_range.a.to_numpy(), in_range.m.to_numpy() - first]]
    cohort_movements = members.groupby("m")[kinds].sum().reindex(periods, fill_value=0)
    lost = cohort_movements.churn + cohort_movements.contraction
    gained = cohort_movements.expansion + cohort_movements.reactivation
    mrr_start = pd.Series(start.sum(axis=0, where=cohort), index=periods)
    customers = pd.Series(cohort.sum(axis=0), index=periods)
    churned = pd.Series((cohort & (finish == 0)).sum(axis=0), index=periods)
    mrr_then = pd.Series(year_ago.sum(axis=0, where=then), index=periods)
    mrr_now = pd.Series(finish.sum(axis=0, where=then), index=periods)
    result = pd.DataFrame({
        "mrr": finish.sum(axis=0),
        "new_mrr": movements.new, "expansion_mrr": movements.expansion, "contraction_mrr": movements.contraction,
        "churned_mrr": movements.churn, "reactivation_mrr": movements.reactivation,
        "customer_churn_rate": (churned / customers).where(customers > 0),
        "gross_revenue_churn_rate": (lost / mrr_start).where(mrr_start > 0),
        # ChartMogul's standard net MRR churn: every movement of the period over the start MRR.
        "net_revenue_churn_rate": ((movements.churn + movements.contraction - movements.expansion - movements.reactivation)
                                   / mrr_start).where(mrr_start > 0),
        "net_revenue_churn_rate_cohort": ((lost - gained) / mrr_start).where(mrr_start > 0),
        "nrr": (mrr_now / mrr_then).where(mrr_then > 0),
    }, index=periods)
    result[MONEY] = result[MONEY] / 10 ** exponent
    return result.round({k: exponent for k in MONEY})


def in_periods(frame, column, first, last):
    """The rows whose `column` is in the periods, with their month number as `m`."""
    m = months(frame[column])
    keep = (m >= first) & (m <= last)
    return frame[keep].assign(m=m[keep])


def voice_kpis(surveys, first, last):
    """NPS and CSAT; answers on a scale other than the survey's standard one are mapped onto it."""
    answers = in_periods(surveys, "responded_at", first, last)

    nps = answers[answers.survey == "nps"]
    low, high = nps.scale_min.fillna(0), nps.scale_max.fillna(10)
    standard = (low == 0) & (high == 10)
    score = nps.score.where(standard, (nps.score - low) * 10 / (high - low))
    net = (score >= 9).astype("int64") - (score <= 6).astype("int64")
    nps_by_period = 100 * net.groupby(nps.m).sum() / nps.m.value_counts()

    csat = answers[answers.survey == "csat"]
    low, high = csat.scale_min.fillna(1), csat.scale_max.fillna(5)
    standard = (low == 1) & (high == 5)
    satisfied = (csat.score >= 4).where(standard, csat.score >= high - 0.2 * (high - low))
    csat_by_period = satisfied.groupby(csat.m).mean()
    return pd.DataFrame({"nps": nps_by_period, "csat": csat_by_period})


def support_kpis(tickets, first, last):
    """First contact resolution of the tickets resolved in the period; the explicit flag overrides the derivation."""
    resolved = in_periods(tickets, "resolved_at", first, last)
    flag = resolved.first_contact_resolution
    derived = (resolved.agent_replies.fillna(0) <= 1) & (resolved.reopens.fillna(0) == 0)
    fcr = derived.mask(flag.isin(["true", "1", "yes", "y", "t"]), True).mask(flag.isin(["false", "0", "no", "n", "f"]), False)
    return fcr.groupby(resolved.m).mean().rename("fcr_rate").to_frame()


def usage_kpis(events, first, last):
    """Active users: distinct (account, user) pairs with an event in the period."""
    events = in_periods(events, "occurred_at", first, last)
    # One integer per (month, account, user) from the categoricals' codes; the distinct ones counted per month.
    account, user = events.account_id.astype("category").cat, events.user_id.astype("category").cat
    accounts, users = len(account.categories), len(user.categories)
    key = ((events.m.to_numpy() - first) * accounts + account.codes.to_numpy("int64")) * users \
        + user.codes.to_numpy("int64")
    active = np.bincount(pd.unique(key) // (accounts * users), minlength=last - first + 1)
    return pd.DataFrame({"active_users": active}, index=np.arange(first, last + 1))


def compute(tables, first, last, currency, delinquency_days):
    result = revenue_kpis(tables["subscriptions"], tables["fx_rates"], first, last, currency, delinquency_days)
    result = (result.join(voice_kpis(tables["survey_responses"], first, last))
              .join(support_kpis(tables["tickets"], first, last))
              .join(usage_kpis(tables["usage_events"], first, last)))
    result["active_users"] = result.active_users.fillna(0).astype(int)
    periods = []
    for m, row in result.iterrows():
        out = {"period": f"{m // 12:04d}-{m % 12 + 1:02d}"}
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
    result = compute(tables, month_number(args.first, False), month_number(args.last, True), currency,
                     delinquency_days)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
