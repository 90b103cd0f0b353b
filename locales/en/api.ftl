# JSON API messages (English). Keep locales/fr/api.ftl in step.
api-error-content-type = Send the body as JSON, with the header Content-Type: application/json.
api-error-json-syntax = The body is not valid JSON.
api-error-json-data = The JSON body does not have the expected fields: { $detail }
api-error-sort = Unknown sort order. Use random, most_endorsed or newest.
api-error-report-kind = Only a proposal or a comment can be reported.
api-error-token-only = This request must be made with the API token to revoke.
