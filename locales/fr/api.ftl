# Messages de l'API JSON (français). Garder locales/en/api.ftl en phase.
api-error-content-type = Envoyez le corps en JSON, avec l'en-tête Content-Type: application/json.
api-error-json-syntax = Le corps n'est pas du JSON valide.
api-error-json-data = Le corps JSON n'a pas les champs attendus : { $detail }
api-error-sort = Ordre de tri inconnu. Utilisez random, most_endorsed ou newest.
api-error-report-kind = Seule une proposition ou un commentaire peut être signalé.
api-error-token-only = Cette requête doit être faite avec le jeton d'API à révoquer.
