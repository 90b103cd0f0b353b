# Fédération : suivre les démarches d'autres communes, politique de l'instance, file d'envoi.
federation-title = Fédération
federation-error = Problème de fédération : { $reason }
federation-follow-failed = Impossible de suivre { $address } : { $reason }
federation-follow-title = Démarches d'autres communes suivies
federation-address = Adresse de la démarche
federation-address-hint = Son adresse, par exemple { $example }, ou l'adresse de sa page.
federation-follow-button = Suivre
federation-followed-none = Cette commune ne suit encore aucune démarche d'une autre commune.
federation-col-state = État
federation-col-actions = Actions
federation-follow-pending = En attente de l'accord de l'autre commune
federation-follow-accepted = Suivie
federation-follow-rejected = Refusé par l'autre commune
federation-unfollow-button = Ne plus suivre
federation-rules-title = Qui peut participer
federation-rules-intro = Pour chaque démarche de la commune et chaque action : toute personne inscrite, les habitants vérifiés seulement, ou les habitants et ceux des communes partenaires listées. Les soutiens venus d'ailleurs qui ne comptent pas restent affichés, à part.
federation-rule-legend = Soutiens venus d'autres communes
federation-rule-residents = Habitants vérifiés seulement
federation-rule-peers = Habitants vérifiés et habitants des communes partenaires listées ci-dessous
federation-rule-open = Tout le monde
federation-peer-hosts = Communes partenaires (adresses séparées par des virgules, comme commune-b.example)
federation-followers-count = { $count ->
    [0] Aucun abonné ailleurs
    [one] 1 abonné ailleurs
   *[other] { $count } abonnés ailleurs
}
federation-save-button = Enregistrer
federation-policy-title = Serveurs autorisés à fédérer avec la commune
federation-mode-legend = Mode de fédération
federation-mode-open = Ouvert : tous les serveurs sauf ceux bloqués
federation-mode-allowlist = Liste d'autorisation : seulement les serveurs autorisés
federation-host = Adresse du serveur
federation-policy = Règle
federation-policy-allow = Autorisé
federation-policy-block = Bloqué
federation-policy-remove = Retirer de la liste
federation-host-invalid = Écrivez une adresse de serveur comme commune-b.example.
federation-rule-invalid = Choisissez une des règles.
federation-queue-title = Envois vers d'autres serveurs
federation-delivery-pending = En attente ou en nouvel essai
federation-delivery-delivered = Remis
federation-delivery-failed = Abandonné
federation-delivery-refused = Refusé par le destinataire
federation-delivery-skipped = Non envoyé (le pair prend une autre forme)
federation-col-activity = Activité
federation-col-inbox = Destinataire
federation-col-attempts = Essais
federation-col-error = Dernière erreur
federation-next-attempt = prochain essai
federated-endorsements-count = { $count ->
    [one] et 1 soutien venu d'ailleurs (non compté par la règle de la démarche)
   *[other] et { $count } soutiens venus d'ailleurs (non comptés par la règle de la démarche)
}
notice-federation-followed = Demande d'abonnement envoyée. La démarche apparaît ici dès que sa commune l'accepte.
notice-federation-saved = Réglages de fédération enregistrés.
notice-remote-endorsed = Votre soutien a été envoyé à la commune qui mène cette démarche.
notice-remote-unendorsed = Le retrait de votre soutien a été envoyé.
notice-remote-commented = Votre commentaire a été envoyé à la commune qui mène cette démarche.
remote-from = Une démarche d'une autre commune :
remote-original-link = La voir sur le site de sa commune
remote-phases-title = Étapes
remote-eligibility-residents = Dans cette démarche, seuls les habitants de sa commune comptent ; les soutiens d'ici sont affichés à part.
remote-eligibility-peers = Dans cette démarche, les habitants de sa commune et des communes partenaires comptent.
remote-eligibility-open = Dans cette démarche, le soutien de chacun compte.
remote-proposals-title = Propositions
remote-proposals-none = Aucune proposition reçue pour l'instant.
remote-binding-count = { $count ->
    [0] Aucun soutien compté
    [one] 1 soutien compté
   *[other] { $count } soutiens comptés
}
remote-federated-count = { $count ->
    [0] aucun venu d'ailleurs
    [one] 1 venu d'ailleurs
   *[other] { $count } venus d'ailleurs
}
remote-endorsed-yes = Vous soutenez cette proposition.
home-remote-title = Démarches d'autres communes
federation-results-summary = Résultats de « { $title } » : { $funded } projets financés sur { $projects } ({ $list }), { $ballots } bulletins comptés. Résultats signés et registre des bulletins :
federation-implementation-news = Réalisation de « { $project } » : { $status }, { $progress } fait. { $note }
remote-results-title = Résultats publiés
remote-results-verified = Signature vérifiée avec la clé de la démarche
remote-results-unverified = Signature NON vérifiée : ne vous fiez pas à ces résultats
remote-results-funded = Financés :
remote-results-link = Résultats complets sur le site de sa commune
shares-count = { $count ->
    [0] pas partagée sur le fédivers
    [one] partagée une fois sur le fédivers
   *[other] partagée { $count } fois sur le fédivers
}
against-count = { $count ->
    [0] aucun vote contre
    [one] 1 vote contre (du fédivers ; non compté)
   *[other] { $count } votes contre (du fédivers ; non comptés)
}
federation-answer-news = Réponse officielle à « { $title } » : { $state }. { $answer }
federation-phase-news = « { $process } » : phase { $phase }, du { $start } au { $end }.

federation-report-title = La signaler à sa commune
federation-report-reason = Ce qui pose problème dans cette proposition
federation-report-hint = Envoyé à la commune qui l’héberge, comme un signalement de cette instance (pas à votre nom).
federation-report-submit = Envoyer le signalement
notice-federation-report-forwarded = Le signalement a été envoyé à la commune de la proposition.
# Écrit sous le texte d’une proposition dans la copie que Lemmy affiche (il n’en garde que le texte).
federation-lemmy-state = État : { $state }
federation-lemmy-official-answer = Réponse officielle
