import Testing
import VitalsCore
@testable import VitalsFormats

@Suite struct DatasetLoaderTests {
    func load(_ files: [String: String], currency: CurrencyCode = .usd) throws(DatasetLoadError) -> Dataset {
        try DatasetLoader.load(files: files.mapValues { Array($0.utf8) }, reportingCurrency: currency)
    }

    func problems(_ files: [String: String], currency: CurrencyCode = .usd) -> [String] {
        do {
            _ = try load(files, currency: currency)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func loadsEveryFile() throws {
        let dataset = try load([
            "accounts.csv": "account_id,name,industry,employees\nacc_1,\"Acme, Inc.\",Retail,120\nacc_2,Globex,Media,\n",
            "subscriptions.csv": """
                subscription_id,account_id,product,plan,amount,currency,interval,interval_count,quantity,discount_percent,discount_amount,status,valid_from,valid_to
                sub_1,acc_1,Core,Growth,199.00,USD,month,1,2,10,,active,2024-01-01,2024-03-01
                sub_1,acc_1,Core,Scale,799,USD,month,,,,,,2024-03-01,
                sub_2,acc_2,Core,,1200,EUR,year,1,1,,100,past_due,2024-02-01T09:00:00+01:00,

                """,
            "fx_rates.csv": "date,currency,rate\n2024-01-01,EUR,1.1\n",
            "orders.csv": "order_id,account_id,ordered_at,amount,currency\no1,acc_1,2024-01-05,500,USD\n",
            "trials.csv": "trial_id,account_id,started_at,ends_at,converted_at,canceled_at\nt1,acc_2,2024-01-01,2024-01-15,2024-01-10,\n",
            "acquisition_costs.csv": "period_start,period_end,amount,currency,channel\n2024-01-01,2024-01-31,1000,USD,ads\n",
            "survey_responses.csv": "response_id,account_id,survey,score,scale_min,scale_max,responded_at,contact,comment\nr1,acc_1,nps,9,,,2024-02-01,ana@acme.test,\"Great, thanks\"\n",
            "tickets.csv": "ticket_id,account_id,opened_at,resolved_at,agent_replies,reopens,first_contact_resolution,channel\nk1,acc_1,2024-02-01T10:00:00Z,2024-02-01T12:00:00Z,1,0,,email\n",
            "usage_events.csv": "event_id,account_id,user_id,event,occurred_at,duration_seconds,page\ne1,acc_1,u1,login,2024-02-01T08:00:00Z,300,/home\n",
            "onboarding.csv": "account_id,milestone,required,started_at,due_at,completed_at\nacc_1,kickoff,true,2024-01-02,2024-01-09,2024-01-05\n",
            "leads.csv": "lead_id,account_id,source,created_at,status,closed_at,amount,currency\nl1,acc_1,upsell,2024-02-01,open,,2400,USD\nl2,,marketing,2024-02-02,lost,2024-02-20,,\n",
            "success_goals.csv": "goal_id,account_id,name,target_date,achieved_at\ng1,acc_1,Cut reporting time,2024-06-30,\n",
            "csm_pulse.csv": "account_id,recorded_at,rating,note\nacc_2,2024-02-01,2,champion left\n",
        ])
        #expect(dataset.accounts.count == 2)
        #expect(dataset.accounts[0].name == "Acme, Inc.")
        #expect(dataset.accounts[0].attributes == ["employees": "120"])
        #expect(dataset.accounts[1].attributes == [:])
        #expect(dataset.subscriptions.count == 3)
        let first = dataset.subscriptions[0]
        #expect(first.amount == Money(minorUnits: 19_900, currency: .usd))
        #expect(first.quantity == 2)
        #expect(first.discountPercent == 10)
        #expect(first.validTo == Timestamp(year: 2024, month: 3, day: 1))
        #expect(dataset.subscriptions[1].quantity == 1 && dataset.subscriptions[1].status == .active)
        #expect(dataset.subscriptions[1].validTo == nil)
        #expect(dataset.subscriptions[2].status == .pastDue)
        #expect(dataset.subscriptions[2].discountAmount == 10_000)
        #expect(dataset.subscriptions[2].validFrom == Timestamp(seconds: Timestamp(year: 2024, month: 2, day: 1).seconds + 8 * 3600))
        #expect(dataset.surveyResponses[0].scaleMax == 10)
        #expect(dataset.surveyResponses[0].comment == "Great, thanks")
        #expect(dataset.usageEvents[0].properties == ["page": "/home"])
        #expect(dataset.usageEvents[0].durationSeconds == 300)
        #expect(dataset.leads[1].account == nil)
        #expect(dataset.leads[0].amount == Money(minorUnits: 240_000, currency: .usd))
        #expect(dataset.csmPulses[0].rating == 2)
        #expect(dataset.tickets[0].agentReplies == 1)
        #expect(dataset.onboarding[0].required)
    }

    @Test func impliesAccountsWithoutAccountsFile() throws {
        let dataset = try load(["orders.csv": "order_id,account_id,ordered_at,amount,currency\no1,x,2024-01-05,5,USD\no2,x,2024-01-06,5,USD\n"])
        #expect(dataset.accounts.map(\.id) == ["x"])
        #expect(dataset.orders.count == 2)
    }

    @Test func listsEveryProblemWithItsLocation() {
        let found = problems([
            "accounts.csv": "account_id,name\nacc_1,Acme\nacc_1,Again\nacc_2,\n",
            "subscriptions.csv": """
                subscription_id,account_id,product,amount,currency,interval,valid_from,valid_to
                s1,acc_1,Core,49.999,USD,month,2024-01-01,
                s2,acc_9,Core,10,USD,month,2024-01-01,
                s3,acc_1,Core,10,GBP,fortnight,2024-13-01,
                s4,acc_1,Core,10,USD,month,2024-02-01,2024-01-01
                s5,acc_1,Core,10,USD,month,2024-01-01,2024-03-01
                s5,acc_1,Core,10,USD,month,2024-02-01,
                """,
            "survey_responses.csv": "response_id,account_id,survey,score,responded_at\nr1,acc_1,csat,6,2024-01-01\nr2,acc_1,nps,9,2024-01-01T10:00:00\n",
        ])
        #expect(found.contains("accounts.csv:3: account_id: duplicate account_id 'acc_1' (first on line 2)"))
        #expect(found.contains("accounts.csv:4: name: a value is required"))
        #expect(found.contains("subscriptions.csv:2: amount: '49.999' has more than 2 decimal places, the most USD allows"))
        #expect(found.contains("subscriptions.csv:3: account_id: unknown account 'acc_9' (not in accounts.csv)"))
        #expect(found.contains("subscriptions.csv:4: currency: no rate for GBP in fx_rates.csv (the reporting currency is USD)"))
        #expect(found.contains("subscriptions.csv:4: interval: 'fortnight' is not one of day, week, month, year"))
        #expect(found.contains("subscriptions.csv:4: valid_from: '2024-13-01' is not a real calendar date or time"))
        #expect(found.contains("subscriptions.csv:5: valid_to: must be after valid_from (2024-02-01)"))
        #expect(found.contains { $0.hasPrefix("subscriptions.csv:7: valid_from: version of 's5' / 'Core' starting 2024-02-01 overlaps the one on line 6") })
        #expect(found.contains("survey_responses.csv:2: score: 6 is outside the scale 1-5"))
        #expect(found.contains("survey_responses.csv:3: responded_at: '2024-01-01T10:00:00' has a time but no UTC offset (add Z or +hh:mm)"))
        #expect(found.count == 11)
    }

    @Test func reportsAMissingRequiredColumn() {
        #expect(problems(["orders.csv": "order_id,account_id,amount,currency\no1,a,5,USD\n"]) == [
            "orders.csv:1: ordered_at: required column is missing from the header"
        ])
    }

    @Test func showsTheFirstFiftyProblemsAndCountsTheRest() {
        let rows = (1...120).map { "o\($0),a,not-a-date,5,USD" }.joined(separator: "\n")
        do {
            _ = try load(["orders.csv": "order_id,account_id,ordered_at,amount,currency\n" + rows])
            Issue.record("expected the load to fail")
        } catch {
            #expect(error.issues.count == 50)
            #expect(error.total == 120)
            #expect(error.description.hasSuffix("... and 70 more problems"))
            #expect(error.issues[0].description.hasPrefix("orders.csv:2: ordered_at: 'not-a-date' is not an ISO 8601"))
        }
    }

    @Test func readsUsageEventsAsNDJSON() throws {
        let dataset = try load([
            "usage_events.ndjson": """
                {"event_id":"e1","account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-02-01T08:00:00Z","duration_seconds":120,"plan":"pro"}

                {"event_id":"e2","account_id":"a","user_id":"u2","event":"export","occurred_at":"2024-02-02"}
                """
        ])
        #expect(dataset.usageEvents.count == 2)
        #expect(dataset.usageEvents[0].durationSeconds == 120)
        #expect(dataset.usageEvents[0].properties == ["plan": "pro"])
        #expect(problems(["usage_events.ndjson": "{\"event_id\":\"e1\"}\nnot json\n"]).contains("usage_events.ndjson:2: not a JSON object"))
        #expect(problems(["usage_events.ndjson": "\n{\"event_id\":\"e1\",\"account_id\":\"a\",\"user_id\":\"u\",\"event\":\"x\",\"occurred_at\":\"bad\"}\n"])
            == ["usage_events.ndjson:2: occurred_at: 'bad' is not an ISO 8601 date or timestamp (use 2024-03-01 or 2024-03-01T12:00:00Z)"])
    }
}
