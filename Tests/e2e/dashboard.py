"""Drives the dashboard in headless Chromium and checks its numbers against the JSON API (see scripts/e2e-dashboard)."""
import json
import math
import os
import sys
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE, EMAIL, PASSWORD, KEY, SHOTS = (os.environ[k] for k in ("BASE", "EMAIL", "PASSWORD", "KEY", "SHOTS"))
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def api(path):
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def same(page_value, api_value):
    """The page writes values as the API does (same JSON number text); compare as numbers, exactly or to 1e-9."""
    if api_value is None:
        return page_value == "null"
    if isinstance(api_value, dict):
        return True
    return abs(float(page_value) - float(api_value)) <= 1e-9 * max(1.0, abs(float(api_value)))


def wait_for_title(text):
    """Clicks start navigations that finish later: wait for the new page before reading it."""
    try:
        WebDriverWait(driver, 60).until(EC.title_contains(text))
        return True
    except Exception:
        return False


options = webdriver.ChromeOptions()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2000"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(120)
try:
    # Signing in: a page asks first, a wrong password is refused, the right one lands on the overview.
    driver.get(BASE + "/")
    check("an anonymous visit is sent to the sign-in page", "/login" in driver.current_url, driver.current_url)
    driver.find_element(By.NAME, "email").send_keys(EMAIL)
    driver.find_element(By.NAME, "password").send_keys("not-the-password")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.error")))
    check("a wrong password is refused", "Wrong email or password" in driver.page_source)
    driver.find_element(By.NAME, "email").clear()
    driver.find_element(By.NAME, "email").send_keys(EMAIL)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    check("signing in opens the overview", wait_for_title("Overview") and driver.find_element(By.TAG_NAME, "h1").text == "Overview", driver.title)
    cookie = driver.get_cookie("vitals_session")
    check("the session cookie is HttpOnly and SameSite=Lax", cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Lax", cookie)
    driver.save_screenshot(f"{SHOTS}/overview.png")

    # Overview: every tile's value equals the API's for the same period.
    # KPI tiles (the health tiles are checked against the health API below).
    tiles = [t for t in driver.find_elements(By.CSS_SELECTOR, "a.tile[data-kpi]") if t.get_attribute("href").rstrip("/").split("/")[-2] == "kpis"
             or "/kpis/" in t.get_attribute("href")]
    check("the overview has tiles in three groups", len(tiles) >= 25 and len(driver.find_elements(By.CSS_SELECTOR, "section.group")) == 3, len(tiles))
    period = tiles[0].get_attribute("data-period")
    row = api(f"/api/v1/kpis?from={period}&to={period}")["periods"][0]
    mismatched = [(t.get_attribute("data-kpi"), t.get_attribute("data-value"), row[t.get_attribute("data-kpi")])
                  for t in tiles if not same(t.get_attribute("data-value"), row[t.get_attribute("data-kpi")])]
    check(f"all {len(tiles)} overview tiles equal GET /api/v1/kpis for {period}", not mismatched, mismatched)
    empty = [t.get_attribute("data-kpi") for t in tiles if not t.find_elements(By.CSS_SELECTOR, "svg.spark polyline")]
    check("every tile has a sparkline with points", not empty, empty)

    # The quarter view agrees with the API's quarter too.
    driver.get(BASE + "/?grain=quarter")
    tile = driver.find_element(By.CSS_SELECTOR, "a.tile[data-kpi=mrr]")
    quarter = tile.get_attribute("data-period")
    qrow = api(f"/api/v1/kpis?from={quarter[:4]}-{int(quarter[-1]) * 3 - 2:02d}&to={quarter[:4]}-{int(quarter[-1]) * 3:02d}&grain=quarter")["periods"][0]
    check(f"the quarter overview's MRR equals the API's for {quarter}", same(tile.get_attribute("data-value"), qrow["mrr"]), (tile.get_attribute("data-value"), qrow["mrr"]))

    # KPI pages: the headline and every period of the series table equal the API's.
    for kpi in ("mrr", "nps", "customer_churn_rate"):
        driver.get(BASE + f"/kpis/{kpi}")
        headline = driver.find_element(By.CSS_SELECTOR, "span.value[data-value]")
        check(f"{kpi} page headline equals the API", same(headline.get_attribute("data-value"), row[kpi]), (headline.get_attribute("data-value"), row[kpi]))
        cells = driver.find_elements(By.CSS_SELECTOR, "table[data-table=series] td[data-period]")
        first, last = cells[0].get_attribute("data-period"), cells[-1].get_attribute("data-period")
        series = {p["period"]: p[kpi] for p in api(f"/api/v1/kpis?from={first}&to={last}")["periods"]}
        wrong = [(c.get_attribute("data-period"), c.get_attribute("data-value")) for c in cells
                 if not same(c.get_attribute("data-value"), series[c.get_attribute("data-period")])]
        check(f"{kpi} page: all {len(cells)} periods equal the API", not wrong, wrong)
        check(f"{kpi} page has a chart with a title and hover values",
              bool(driver.find_elements(By.CSS_SELECTOR, "svg.chart title")) and bool(driver.find_elements(By.CSS_SELECTOR, "svg.chart circle title")))
        check(f"{kpi} page shows its definition", "Formula:" in driver.page_source)
        driver.save_screenshot(f"{SHOTS}/kpi-{kpi}.png")

    driver.get(BASE + "/revenue")
    check("the revenue page draws movements, cohorts and survival",
          len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 4 and len(driver.find_elements(By.CSS_SELECTOR, "svg.heatmap")) == 2)
    driver.save_screenshot(f"{SHOTS}/revenue.png")

    # Accounts: the table sorts by MRR, and the first account's page agrees with the API.
    driver.get(BASE + "/accounts")
    rows = driver.find_elements(By.CSS_SELECTOR, "table[data-table=accounts] tbody tr")
    mrrs = [float(r.find_element(By.CSS_SELECTOR, "td[data-value]").get_attribute("data-value")) for r in rows]
    check("the accounts table is sorted by MRR, largest first", len(rows) == 100 and mrrs == sorted(mrrs, reverse=True), mrrs[:5])
    driver.save_screenshot(f"{SHOTS}/accounts.png")
    # Support: the tickets by priority, paged with their total; a filter keeps only urgent ones.
    driver.get(BASE + "/support")
    lines = {r.find_elements(By.TAG_NAME, "td")[0].text: r for r in driver.find_elements(By.CSS_SELECTOR, "table[data-table=priorities] tbody tr")}
    check("the support page has figures for every priority of the demo", {"urgent", "high", "normal", "low", "All shown"} <= set(lines), set(lines))
    tickets = driver.find_elements(By.CSS_SELECTOR, "table[data-table=tickets] tbody tr")
    caption = driver.find_element(By.CSS_SELECTOR, "table[data-table=tickets] caption").text
    check("the ticket list shows one page of 100 and says how many there are", len(tickets) == 100 and "tickets" in caption and "Page 1 of" in driver.page_source, caption)
    for width in (1440, 390):
        driver.set_window_size(width, 2000)
        driver.save_screenshot(f"{SHOTS}/support-{width}.png")
    driver.set_window_size(1280, 2000)
    Select(driver.find_element(By.NAME, "priority")).select_by_value("urgent")
    driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.url_contains("priority=urgent"))
    shown = {r.find_elements(By.TAG_NAME, "td")[2].text for r in driver.find_elements(By.CSS_SELECTOR, "table[data-table=tickets] tbody tr")}
    check("filtering by priority keeps only urgent tickets", shown == {"urgent"}, shown)

    # The segment picker: an attribute and a value from the data become the segment; the overview's count follows it.
    driver.get(BASE + "/")
    pick = Select(driver.find_element(By.NAME, "pick_attr"))
    check("the segment picker offers industry", "industry" in [o.get_attribute("value") for o in pick.options])
    pick.select_by_value("industry")
    value = driver.find_element(By.CSS_SELECTOR, "datalist#segment-values option[label^='industry: ']").get_attribute("value")
    driver.find_element(By.NAME, "pick_value").send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.url_contains("pick_attr=industry"))
    segment = driver.find_element(By.NAME, "segment").get_attribute("value")
    check("a picked value becomes the segment expression", segment == f"industry = '{value}'", segment)
    check("the overview says it shows the picked segment", f"segment industry = '{value}'" in driver.page_source)
    driver.get(BASE + "/accounts")
    rows = driver.find_elements(By.CSS_SELECTOR, "table[data-table=accounts] tbody tr")
    account = rows[0].find_element(By.CSS_SELECTOR, "td[data-account]").get_attribute("data-account")
    name = rows[0].find_element(By.CSS_SELECTOR, "td[data-account] a").text
    rows[0].find_element(By.CSS_SELECTOR, "td[data-account] a").click()
    check("the account page opens", wait_for_title(name) and driver.find_element(By.TAG_NAME, "h1").get_attribute("data-account") == account)
    facts = {e.get_attribute("data-kpi"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "dd[data-kpi]")}
    detail = api(f"/api/v1/accounts/{account}?from={period}&to={period}")
    arow = detail["kpis"]["periods"][0]
    # NPS in whole points, rounded half away from zero as the page rounds it.
    expected_nps = "-" if arow["nps"] is None else str(int(math.copysign(math.floor(abs(arow["nps"]) + 0.5), arow["nps"])))
    check(f"account {account}: NPS on the page equals the API ({expected_nps})", facts.get("nps") == expected_nps, (facts.get("nps"), arow["nps"]))
    check(f"account {account}: active users on the page equal the API", facts.get("active_users") == f"{arow['active_users']:,}", (facts.get("active_users"), arow["active_users"]))
    check("the account page shows its subscription timeline and MRR chart",
          bool(driver.find_elements(By.CSS_SELECTOR, "table[data-table=subscriptions] tbody tr")) and bool(driver.find_elements(By.CSS_SELECTOR, "svg.chart")))
    driver.save_screenshot(f"{SHOTS}/account.png")

    # The account as a workspace: its people, a call logged from the page found on its timeline (and in the API's
    # records through the same checks), the timeline filtered to calls.
    people = driver.find_elements(By.CSS_SELECTOR, "table[data-table=contacts] tbody tr")
    check("the account page lists the account's people", len(people) >= 1, len(people))
    total_before = int(driver.find_element(By.CSS_SELECTOR, "[data-timeline-total]").get_attribute("data-timeline-total"))
    driver.find_element(By.CSS_SELECTOR, "details.card summary").click()
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/activities']")
    Select(form.find_element(By.NAME, "kind")).select_by_value("call")
    Select(form.find_element(By.NAME, "contact_id")).select_by_index(1)
    form.find_element(By.NAME, "subject").send_keys("Renewal call from e2e")
    form.find_element(By.NAME, "body").send_keys("Agreed on seats & timing")
    Select(form.find_element(By.NAME, "sentiment")).select_by_value("positive")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.staleness_of(form))
    wait_for_title(name)
    first_row = driver.find_element(By.CSS_SELECTOR, "table[data-table=timeline] tbody tr")
    total_after = int(driver.find_element(By.CSS_SELECTOR, "[data-timeline-total]").get_attribute("data-timeline-total"))
    check("the logged call is the newest entry of the timeline, by the person signed in",
          "Renewal call from e2e" in first_row.text and "Demo CS lead" in first_row.text and total_after == total_before + 1,
          (first_row.text, total_before, total_after))
    for width in (1440, 390):
        driver.set_window_size(width, 2000)
        driver.save_screenshot(f"{SHOTS}/account-timeline-{width}.png")
    driver.set_window_size(1280, 2000)
    Select(driver.find_element(By.NAME, "timeline")).select_by_value("call")
    driver.find_element(By.CSS_SELECTOR, "form[aria-label='Filter the timeline'] button").click()
    WebDriverWait(driver, 60).until(EC.url_contains("timeline=call"))
    kinds = {td.get_attribute("data-kind") for td in driver.find_elements(By.CSS_SELECTOR, "table[data-table=timeline] td[data-kind]")}
    check("the timeline filtered to calls shows only calls", kinds == {"call"}, kinds)

    # Goals: the demo's goal tree, each target's status as the API evaluates it, and the overview's target badges.
    driver.get(BASE + "/goals")
    check("the goals page opens", wait_for_title("Goals"))
    api_goals = api("/api/v1/goals")["goals"]
    api_status = {}
    for g in api_goals:
        for t in ([g["target"]] if g["target"] else []) + [t for k in g["ksf"] for t in k["targets"]]:
            api_status[str(t["id"])] = t["status"]
    cards = driver.find_elements(By.CSS_SELECTOR, "div.card[data-target]")
    page_status = {c.get_attribute("data-target"): c.get_attribute("data-status") for c in cards}
    check(f"the goals page shows the demo's {len(api_goals)} goals and {len(api_status)} targets",
          len(driver.find_elements(By.CSS_SELECTOR, "section.goal")) == len(api_goals) >= 1 and set(page_status) == set(api_status),
          (len(api_goals), sorted(page_status), sorted(api_status)))
    check("every target's status on the page equals the API's", page_status == api_status,
          {k: (page_status.get(k), v) for k, v in api_status.items() if page_status.get(k) != v})
    check("the demo goal tree has targets in more than one state", len(set(api_status.values())) >= 2, set(api_status.values()))
    check("each target with history has a forecast chart", len(driver.find_elements(By.CSS_SELECTOR, "div.card[data-target] svg.chart")) >= 1)
    driver.save_screenshot(f"{SHOTS}/goals.png")
    driver.get(BASE + "/")
    badges = driver.find_elements(By.CSS_SELECTOR, "a.tile [data-target-status]")
    check("overview tiles show the status of their company-wide targets", len(badges) >= 1, len(badges))

    # Health: revenue at risk and an account's score equal the API's for the same day; a task can be closed.
    driver.get(BASE + "/health")
    check("the health page opens", wait_for_title("Health"))
    day = driver.find_element(By.CSS_SELECTOR, "[data-health-at]").get_attribute("data-health-at")
    risk = api(f"/api/v1/revenue-at-risk?at={day}")
    shown = driver.find_element(By.CSS_SELECTOR, ".tile .value[data-value]").get_attribute("data-value")
    check(f"revenue at risk on the page equals the API's ({risk['revenue_at_risk']})", same(shown, risk["revenue_at_risk"]), (shown, risk["revenue_at_risk"]))
    scores = api(f"/api/v1/health?at={day}&limit=1")
    bands = {b: int(driver.find_element(By.CSS_SELECTOR, f"[data-band={b}]").text) for b in ("green", "yellow", "red")}
    check("the band counts equal the API's", bands == {b: scores["bands"].get(b, 0) for b in bands}, (bands, scores.get("bands")))
    alerts = driver.find_elements(By.CSS_SELECTOR, "table[data-table=alerts] tbody tr")
    check("the demo has open alerts, goals' targets among them", len(alerts) >= 1 and "Target" in driver.page_source, len(alerts))
    tasks = api("/api/v1/tasks?status=open")["tasks"]
    check("playbooks made tasks for different owners", len({t["owner"] for t in tasks}) >= 2, {t["owner"] for t in tasks})
    driver.save_screenshot(f"{SHOTS}/health.png")
    # Tasks are acted on in place: the first one closed with a note, the next one snoozed, then given to someone else.
    task_total = driver.find_element(By.CSS_SELECTOR, "table[data-table=tasks] caption").text
    check("the task list is paged and says how many tasks there are", "in all" in task_total, task_total)
    acts = driver.find_elements(By.CSS_SELECTOR, "table[data-table=tasks] details.act")
    acts[0].find_element(By.TAG_NAME, "summary").click()
    first = acts[0].find_element(By.CSS_SELECTOR, "form[action$='/close']")
    task_id = first.get_attribute("action").split("/")[-2]
    first.find_element(By.NAME, "note").send_keys("Called, renewal agreed")
    first.find_element(By.CSS_SELECTOR, "button[value=done]").click()
    WebDriverWait(driver, 60).until(EC.staleness_of(first))
    wait_for_title("Health")
    closed = [t for t in api("/api/v1/tasks?status=done")["tasks"] if str(t["id"]) == task_id]
    check("closing a task records who closed it and the note", closed and closed[0]["closed_by"] == "Demo CS lead" and closed[0]["note"] == "Called, renewal agreed", closed)
    acts = driver.find_elements(By.CSS_SELECTOR, "table[data-table=tasks] details.act")
    acts[0].find_element(By.TAG_NAME, "summary").click()
    snooze = acts[0].find_element(By.CSS_SELECTOR, "form[action$='/snooze']")
    snoozed_id = snooze.get_attribute("action").split("/")[-2]
    until = snooze.find_element(By.NAME, "until").get_attribute("value")
    snooze.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.staleness_of(snooze))
    wait_for_title("Health")
    after = {str(t["id"]): t for t in api("/api/v1/tasks?status=open&limit=5000")["tasks"]}
    shown = {td.get_attribute("data-task") for td in driver.find_elements(By.CSS_SELECTOR, "table[data-table=tasks] td[data-task]")}
    check("a snoozed task is snoozed until the date chosen and leaves the list",
          after.get(snoozed_id, {}).get("snoozed_until") == f"{until}T00:00:00Z" and snoozed_id not in shown, (after.get(snoozed_id), until))
    acts = driver.find_elements(By.CSS_SELECTOR, "table[data-table=tasks] details.act")
    acts[0].find_element(By.TAG_NAME, "summary").click()
    give = acts[0].find_element(By.CSS_SELECTOR, "form[action$='/reassign']")
    given_id = give.get_attribute("action").split("/")[-2]
    give.find_element(By.NAME, "owner").send_keys("Farah")
    give.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.staleness_of(give))
    given = [t for t in api("/api/v1/tasks?owner=Farah&limit=5000")["tasks"] if str(t["id"]) == given_id]
    check("a task reassigned in place has its new owner", len(given) == 1, given_id)
    for width in (1440, 390):
        driver.set_window_size(width, 2000)
        driver.save_screenshot(f"{SHOTS}/health-{width}.png")
    driver.set_window_size(1280, 2000)
    driver.get(BASE + f"/accounts/{account}")
    score = driver.find_elements(By.CSS_SELECTOR, "[data-health-score]")
    api_health = api(f"/api/v1/accounts/{account}/health?at={day}")
    check(f"account {account}: the health score on the page equals the API's ({api_health['score']})",
          score and abs(float(score[0].get_attribute("data-health-score")) - api_health["score"]) < 0.006, (score and score[0].get_attribute("data-health-score"), api_health["score"]))

    # Renewals: the next 90 days' renewals with their total; a forecast call set on the page is what the API reads back.
    driver.get(BASE + "/renewals")
    check("the renewals page opens", wait_for_title("Renewals"))
    caption = driver.find_element(By.CSS_SELECTOR, "table[data-table=renewals] caption").text
    forms = driver.find_elements(By.CSS_SELECTOR, "form[action='/renewals/forecast']")
    listed = api("/api/v1/renewals")
    check("the renewals page lists the API's renewals of the next 90 days, with their count",
          len(forms) == min(50, listed["total"]) and f"{listed['total']} renewal" in caption, (len(forms), listed["total"], caption))
    for width in (1440, 390):
        driver.set_window_size(width, 2000)
        driver.save_screenshot(f"{SHOTS}/renewals-{width}.png")
    driver.set_window_size(1280, 2000)
    if forms:
        renewal = forms[0].get_attribute("data-renewal")
        Select(forms[0].find_element(By.NAME, "call")).select_by_value("at_risk")
        forms[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 60).until(EC.staleness_of(forms[0]))
        wait_for_title("Renewals")
        import urllib.parse
        call = api("/api/v1/renewals/forecast?key=" + urllib.parse.quote(renewal))
        check("a forecast call set on the renewals page is read back from the API",
              call["forecast"] == "at_risk" and call["set_by"] == "Demo CS lead", call)
        shown = driver.find_element(By.CSS_SELECTOR, f"form[data-renewal='{renewal}'] option[selected]").get_attribute("value")
        check("the page shows the call it saved", shown == "at_risk", shown)
    driver.get(BASE + "/renewals?window=closed")
    check("the closed-quarter view shows the call against the outcome",
          wait_for_title("Renewals") and "Came true" in driver.page_source and "data-outcome" in driver.page_source)
    driver.save_screenshot(f"{SHOTS}/renewals-closed.png")

    # Admin (issue 26): the admin pages at both widths; an invitation's one-time link lets the person set a password
    # and sign in as a viewer, who cannot reach /admin (403).
    def shoot(name):
        for width, height in ((1440, 900), (390, 844)):
            driver.set_window_size(width, height)
            driver.save_screenshot(f"{SHOTS}/{name}-{width}.png")
        driver.set_window_size(1280, 2000)

    driver.get(BASE + "/admin/keys")
    check("the admin sees the keys page", wait_for_title("API keys") and len(driver.find_elements(By.CSS_SELECTOR, "tr[data-prefix]")) >= 1)
    shoot("admin-keys")
    driver.get(BASE + "/admin/users")
    check("the admin sees the people page with an Admin entry in the navigation",
          wait_for_title("People") and driver.find_elements(By.CSS_SELECTOR, "nav a[href='/admin']"))
    invite = driver.find_element(By.ID, "invite")
    invite.find_element(By.NAME, "email").send_keys("viewer@vitals.example")
    invite.find_element(By.NAME, "name").send_keys("Vi Ewer")
    Select(invite.find_element(By.NAME, "role")).select_by_value("viewer")
    invite.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-secret]")))
    link = driver.find_element(By.CSS_SELECTOR, "[data-secret]").text.strip()
    check("inviting shows the one-time link once", "/welcome/" in link, link)
    shoot("admin-users")
    driver.get(BASE + "/admin/audit")
    check("the audit page lists the invitation", wait_for_title("Audit log") and "user.invite_link" in driver.page_source)
    shoot("admin-audit")
    driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for_title("Sign in")

    driver.get(link)
    check("the link opens the password form", wait_for_title("Welcome") and "Vi Ewer" in driver.page_source, driver.title)
    shoot("welcome")
    driver.find_element(By.NAME, "password").send_keys("viewer password 42")
    driver.find_element(By.NAME, "confirm").send_keys("viewer password 42")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    check("the password is set", wait_for_title("Password set"), driver.title)
    driver.get(BASE + "/login")
    driver.find_element(By.NAME, "email").send_keys("viewer@vitals.example")
    driver.find_element(By.NAME, "password").send_keys("viewer password 42")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    check("the invited person signs in", wait_for_title("Overview"), driver.title)
    check("a viewer has no Admin entry", not driver.find_elements(By.CSS_SELECTOR, "nav a[href='/admin']"))
    driver.get(BASE + "/admin/users")
    check("a viewer is told their role can't do this", wait_for_title("Not allowed") and "Your role can't do this" in driver.page_source, driver.title)
    shoot("forbidden")
    session = driver.get_cookie("vitals_session")["value"]
    try:
        urllib.request.urlopen(urllib.request.Request(BASE + "/admin/users", headers={"Cookie": f"vitals_session={session}"}))
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    check("a viewer's request for /admin/users is answered 403", status == 403, status)
    driver.get(link)
    check("the link works only once", "no longer works" in driver.page_source)
    driver.get(BASE + "/")
    wait_for_title("Overview")

    # Signing out ends the session.
    driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for_title("Sign in")
    driver.get(BASE + "/")
    check("after signing out, pages ask to sign in again", "/login" in driver.current_url, driver.current_url)
finally:
    driver.quit()

print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s); screenshots in {SHOTS}/")
sys.exit(1 if failures else 0)
