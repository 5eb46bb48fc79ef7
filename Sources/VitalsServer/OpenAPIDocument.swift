/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. A test calls every operation listed
/// here against the running router, so the document and the routes cannot drift apart.
enum OpenAPIDocument {
    static let kinds = IngestController.kinds.keys.sorted()

    static var json: String {
        let kindList = kinds.map { "\"\($0)\"" }.joined(separator: ",")
        let error = ##"{"description":"%@","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}"##
        func failure(_ text: String) -> String { error.replacingOccurrences(of: "%@", with: text) }
        let period = #"""
            {"name":"from","in":"query","schema":{"type":"string"},"description":"first period: 2024, 2024-Q1, 2024-01 or 2024-01-15"},
            {"name":"to","in":"query","schema":{"type":"string"},"description":"last period, included"},
            {"name":"grain","in":"query","schema":{"type":"string","enum":["day","week","month","quarter","year"]}},
            {"name":"segment","in":"query","schema":{"type":"string"},"description":"e.g. industry in (Retail, Media) and csm=ana"}
            """#
        return ##"""
            {"openapi":"3.1.0",
             "info":{"title":"Vitals API","version":"1","description":"Customer-success and revenue KPIs. Every route needs an API key (Authorization: Bearer vk_...) of the scope it names; a key sees only its own workspace."},
             "components":{
               "securitySchemes":{"apiKey":{"type":"http","scheme":"bearer"}},
               "schemas":{\##(goalSchemas)
                 "Error":{"type":"object","required":["error"],"properties":{"error":{"type":"string"}}},
                 "Report":{"type":"object","required":["currency","periods"],"properties":{"currency":{"type":"string"},"segment":{"type":["string","null"]},"periods":{"type":"array","items":{"type":"object","additionalProperties":true}}}},
                 "Account":{"type":"object","properties":{"account_id":{"type":"string"},"name":{"type":"string"},"created_at":{"type":["string","null"]},"csm":{"type":["string","null"]},"industry":{"type":["string","null"]},"country":{"type":["string","null"]},"referred_by":{"type":["string","null"]},"mrr":{"type":"number"},"attributes":{"type":"object","additionalProperties":{"type":"string"}}}}
               }},
             "security":[{"apiKey":[]}],
             "paths":{\##(goalPaths(failure))
               "/api/v1/kpis":{"get":{"operationId":"kpis","summary":"Every KPI per period (scope read): the JSON of vitals report --json",
                 "parameters":[\##(period)],
                 "responses":{"200":{"description":"the report","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Report"}}}},"400":\##(failure("a bad parameter")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the read scope"))}}},
               "/api/v1/accounts":{"get":{"operationId":"listAccounts","summary":"Accounts, paged and sorted (scope read)",
                 "parameters":[{"name":"limit","in":"query","schema":{"type":"integer","minimum":1,"maximum":1000,"default":50}},{"name":"offset","in":"query","schema":{"type":"integer","minimum":0}},{"name":"sort","in":"query","schema":{"type":"string","enum":["name","-name","account_id","-account_id","mrr","-mrr","created_at","-created_at"]}},{"name":"segment","in":"query","schema":{"type":"string"}}],
                 "responses":{"200":{"description":"a page of accounts","content":{"application/json":{"schema":{"type":"object","properties":{"total":{"type":"integer"},"limit":{"type":"integer"},"offset":{"type":"integer"},"accounts":{"type":"array","items":{"$ref":"#/components/schemas/Account"}}}}}}},"400":\##(failure("a bad parameter")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the read scope"))}}},
               "/api/v1/accounts/{id}":{"get":{"operationId":"getAccount","summary":"One account with its KPIs (scope read)",
                 "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}},\##(period)],
                 "responses":{"200":{"description":"the account and its report","content":{"application/json":{"schema":{"type":"object","properties":{"account":{"$ref":"#/components/schemas/Account"},"kpis":{"$ref":"#/components/schemas/Report"}}}}}},"404":\##(failure("no such account in the key's workspace")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the read scope"))}}},
               "/api/v1/lifetime":{"get":{"operationId":"lifetime","summary":"Customer lifetime (scope read): BG/NBD + Gamma-Gamma CLV per customer from orders, and Kaplan-Meier survival of subscription tenure with median, CI, log-rank and survival CLV per segment; the JSON of vitals clv --json --survival (docs/lifetime.md)",
                 "parameters":[{"name":"as_of","in":"query","schema":{"type":"string"},"description":"last day of the calibration period (default: the day of the latest data)"},
                   {"name":"by","in":"query","schema":{"type":"string"},"description":"an account attribute, or signup_year, signup_quarter, signup_month"},
                   {"name":"horizon_months","in":"query","schema":{"type":"integer","minimum":1,"maximum":1200}},
                   {"name":"discount_rate","in":"query","schema":{"type":"number"},"description":"monthly, e.g. 0.01"}],
                 "responses":{"200":{"description":"the fitted models and predictions","content":{"application/json":{"schema":{"type":"object","additionalProperties":true}}}},"400":\##(failure("a bad parameter")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the read scope"))}}},
               "/api/v1/{kind}":{"post":{"operationId":"upsertRecords","summary":"Create or update records by id (scope ingest): a JSON array of objects, or NDJSON, with the canonical CSV columns as fields (docs/data-format.md). Stored whole or not at all; answered once durable.",
                 "parameters":[{"name":"kind","in":"path","required":true,"schema":{"type":"string","enum":[\##(kindList)]}}],
                 "requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"array","items":{"type":"object"}}},"application/x-ndjson":{"schema":{"type":"string"}}}},
                 "responses":{"200":{"description":"stored","content":{"application/json":{"schema":{"type":"object","properties":{"stored":{"type":"integer"}}}}}},"400":\##(failure("malformed JSON, naming the first bad element")),"413":{"description":"the body is larger than the limit (10 MB by default)"},"422":\##(failure("records that fail the checks (unknown accounts, bad values), each as kind[element]: column: reason")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the ingest scope"))}},
                 "delete":{"operationId":"deleteKeyedRecord","summary":"Delete one record of a kind without an id, named by its key fields as query parameters (scope ingest): onboarding (account_id, milestone), csm_pulse (account_id, recorded_at), fx_rates (currency, date), acquisition_costs (period_start, period_end, channel)",
                 "parameters":[{"name":"kind","in":"path","required":true,"schema":{"type":"string","enum":["onboarding","csm_pulse","fx_rates","acquisition_costs"]}},{"name":"account_id","in":"query","schema":{"type":"string"}},{"name":"milestone","in":"query","schema":{"type":"string"}},{"name":"recorded_at","in":"query","schema":{"type":"string"}},{"name":"currency","in":"query","schema":{"type":"string"}},{"name":"date","in":"query","schema":{"type":"string"}},{"name":"period_start","in":"query","schema":{"type":"string"}},{"name":"period_end","in":"query","schema":{"type":"string"}},{"name":"channel","in":"query","schema":{"type":"string"}}],
                 "responses":{"200":{"description":"deleted","content":{"application/json":{"schema":{"type":"object","properties":{"deleted":{"type":"integer"}}}}}},"400":\##(failure("missing or bad key fields")),"404":\##(failure("no such record in the key's workspace")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the ingest scope"))}}},
               "/api/v1/{kind}/{id}":{"delete":{"operationId":"deleteRecord","summary":"Delete one record by id (scope ingest); an account takes its records with it",
                 "parameters":[{"name":"kind","in":"path","required":true,"schema":{"type":"string","enum":[\##(kindList)]}},{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],
                 "responses":{"200":{"description":"deleted","content":{"application/json":{"schema":{"type":"object","properties":{"deleted":{"type":"integer"}}}}}},"404":\##(failure("no such record in the key's workspace")),"401":\##(failure("no valid key")),"403":\##(failure("a key without the ingest scope"))}}},
               "/api/v1/openapi.json":{"get":{"operationId":"openapi","summary":"This document","security":[],"responses":{"200":{"description":"OpenAPI 3.1"}}}}
             }}
            """##
    }
}
