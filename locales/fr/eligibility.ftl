# Éligibilité : le recensement (conservé en empreintes à clé) et les habitants vérifiés.
census-title = Recensement et habitants vérifiés
census-status-title = Recensement actuel
census-none-yet = Aucun recensement importé : personne ne peut encore vérifier sa résidence en ligne.
census-entries = { $count ->
    [one] 1 personne dans le recensement
   *[other] { $count } personnes dans le recensement
}
census-columns = Identifiants demandés :
census-imported-at = Importé le
census-verified-count = { $count ->
    [0] Aucun compte vérifié
    [one] 1 compte vérifié
   *[other] { $count } comptes vérifiés
}
census-import-title = Remplacer le recensement
census-import-intro = Le nouveau fichier remplace tout le recensement d'un coup. Plenum ne garde qu'une empreinte à clé de chaque ligne, jamais les identifiants eux-mêmes. Les comptes vérifiés pour une personne absente du nouveau recensement perdent leur vérification.
census-file = Fichier du recensement (CSV)
census-file-hint = Première ligne : le nom des colonnes (par exemple numero_piece;date_naissance;code_postal), puis une personne par ligne, champs séparés par ; ou ,.
census-import-button = Importer et remplacer
census-file-required = Choisissez un fichier CSV à importer.
census-upload-incomplete = Le fichier n'est pas arrivé en entier (connexion interrompue ?) : rien n'a été importé, le recensement est inchangé. Merci de l'envoyer à nouveau.
census-refused-title = Le fichier n'a pas été importé
census-refused-count = { $count ->
    [one] 1 ligne est mal formée ; le recensement n'a pas changé.
   *[other] { $count } lignes sont mal formées ; le recensement n'a pas changé.
}
census-line = Ligne
census-person-title = Vérifier ou retirer la vérification d'un compte
census-username = Nom d'utilisateur du compte
census-verify-button = Vérifié en mairie
census-revoke-button = Retirer la vérification
census-no-such-account = Aucun compte ne porte ce nom d'utilisateur.
census-log-title = Journal des vérifications
census-log-empty = Rien pour l'instant.
census-col-when = Quand
census-col-what = Quoi
census-col-account = Compte
census-col-by = Par
census-col-detail = Détail
census-event-verified = Vérifié
census-event-conflict = Conflit : identifiants d'une personne déjà vérifiée
census-event-revoked = Vérification retirée
census-event-expired = Expirée (plus dans le recensement)
census-event-imported = Recensement remplacé
census-not-text = Cette ligne ne peut pas être lue comme du texte CSV.
census-header = La première ligne doit nommer chaque colonne.
census-field-count = { $found } champs au lieu de { $expected }.
census-empty-value = La valeur de « { $column } » est vide.
census-value-too-long = La valeur de « { $column } » dépasse { $max } caractères.
census-empty = Le fichier ne contient personne.
census-has-errors = { $count } lignes mal formées : rien n'a été importé.
census-not-verified = Ces informations n'ont pas pu être vérifiées. Vérifiez votre saisie ; si elle est juste, la mairie peut vous vérifier sur place.
census-none = La commune n'a pas encore mis son recensement en ligne : la mairie peut vous vérifier sur place.
census-fill-all = Remplissez tous les champs.
notice-census-imported = Le recensement a été remplacé.
notice-census-verified = Le compte est vérifié.
notice-census-revoked = La vérification est retirée.
notice-census-self-verified = Votre compte est vérifié : vous êtes compté comme habitant.
verify-title = Vérifier que vous habitez ici
verify-intro = Saisissez vos informations telles qu'elles figurent sur vos papiers. Elles sont comparées au recensement de la commune et ne sont pas conservées.
verify-button = Vérifier
verify-no-census = La commune n'a pas encore mis son recensement en ligne.
verify-in-person = Vous pouvez aussi être vérifié en mairie, avec vos papiers.
verify-done-census = Votre compte est vérifié avec le recensement : vous êtes compté comme habitant.
verify-done-in_person = Votre compte a été vérifié en mairie : vous êtes compté comme habitant.
account-verify-link = Vérifier que vous habitez ici
denied-not-resident = Cette démarche ne compte que les habitants vérifiés. Vérifiez que vous habitez ici (Compte → Vérifier que vous habitez ici), ou demandez en mairie.
eligibility-capability-propose = Qui peut proposer
eligibility-capability-rule = Qui peut soutenir (le soutien d'autres communes et du fédivers ne compte que pour « tout le monde » ou les communes partenaires listées)
eligibility-capability-comment = Qui peut commenter
eligibility-capability-vote = Qui peut voter
remote-peers-verify-first = Cette démarche compte les habitants de ses communes partenaires : vérifiez d'abord que vous habitez ici, pour que la commune puisse en attester.
attested-by = Comptés comme habitants de communes partenaires, attestés par :
