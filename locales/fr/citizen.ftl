# Pages pour les habitant·es (français). Garder locales/en/citizen.ftl à l'identique.
home-title = Démarches participatives
home-intro = Participez aux décisions de votre ville : consultez les démarches, faites des propositions, soutenez-les et débattez-en.
home-empty = Aucune démarche publique pour le moment.
process-draft = Brouillon (non public)
process-current-phase = Phase en cours :
process-no-current-phase = Aucune phase n'est ouverte en ce moment.
signup-title = Créer un compte
signup-submit = Créer mon compte
signup-have-account = Vous avez déjà un compte ?
login-title = Se connecter
login-submit = Se connecter
login-no-account = Pas encore de compte ?
field-email = Adresse électronique
field-username = Nom d'utilisateur
field-username-hint = Public, utilisé dans les liens : lettres minuscules, chiffres, tirets.
field-display-name = Nom affiché aux autres
field-password = Mot de passe
password-hint = Au moins { $min } caractères ; nous en conseillons { $recommended } ou plus. Tous les caractères sont acceptés, espaces compris : une courte phrase fait un bon mot de passe.
process-phases = Étapes
phase-current = étape en cours
phase-dates = du { $start } au { $end }
proposals-count = { $count ->
    [0] Aucune proposition
    [one] 1 proposition
   *[other] { $count } propositions
}
proposal-new = Faire une proposition
proposal-edit = Modifier la proposition
proposal-publish = Publier la proposition
proposal-withdraw = Retirer ma proposition
proposal-answer-link = Répondre officiellement
proposals-none = Aucune proposition ne correspond à ces critères.
filters-label = Filtrer les propositions
filter-search = Rechercher
filter-category = Catégorie
filter-all = Toutes
filter-state = État
filter-all-active = Toutes sauf retirées
filter-sort = Ordre
filter-apply = Appliquer
sort-random = Aléatoire (équitable pour chaque proposition)
sort-most_endorsed = Les plus soutenues
sort-newest = Les plus récentes
pagination-label = Pages de propositions
author-deleted = Ancien·ne participant·e
hidden-badge = Masquée par la modération
endorsements-count = { $count ->
    [0] Aucun soutien
    [one] 1 soutien
   *[other] { $count } soutiens
}
comments-count = { $count ->
    [0] Aucun commentaire
    [one] 1 commentaire
   *[other] { $count } commentaires
}
field-title = Titre
field-title-hint = Une courte phrase qui dit ce que vous proposez (5 à 150 caractères).
field-body = Description
field-body-hint = Expliquez l'idée : où, pour qui, pourquoi. Vous pouvez utiliser Markdown : **gras**, *italique*, listes avec « - », liens.
field-category = Catégorie
field-category-none = Sans catégorie
history-link = { $count ->
    [one] Version 1
   *[other] Version { $count } : voir l'historique des modifications
}
history-title = Historique de « { $title } »
version-number = Version { $count }
answer-title = Réponse officielle de la ville
endorse-title = Soutiens
endorsed-yes = Vous soutenez cette proposition.
endorse-button = Soutenir cette proposition
unendorse-button = Retirer mon soutien
sign-in-to-endorse = Connectez-vous pour soutenir cette proposition
sign-in-to-comment = Connectez-vous pour commenter
actions-title = Actions
report-link = Signaler
comment-hidden = Ce commentaire a été masqué par la modération.
comment-reply = Répondre
comment-reply-label = Votre réponse
comment-reply-submit = Publier la réponse
comment-new = Ajouter un commentaire
field-comment = Votre commentaire
field-stance = Votre position
comment-submit = Publier le commentaire
report-title = Signaler un contenu
report-intro = Expliquez aux services de la ville pourquoi ce contenu enfreint les règles. Votre signalement n'est pas public.
field-reason = Motif
reason-spam = Spam ou publicité
reason-offensive = Injurieux, haineux ou harcelant
reason-off_topic = Hors sujet
reason-other = Autre motif
field-details = Précisions (facultatif)
report-submit = Envoyer le signalement
account-title = Mon compte
account-profile = Profil
account-language = Langue
field-language = Langue de l'interface
language-browser = La langue de mon navigateur
account-data = Mes données
account-data-intro = Téléchargez tout ce que ce site conserve à votre sujet (compte, propositions, versions, commentaires, soutiens, signalements) dans un fichier JSON.
account-data-download = Télécharger mes données (JSON)
account-tokens = Accès à l'API
account-tokens-intro = Un jeton permet à une application d'agir en votre nom via l'API publique. Gardez-le comme un mot de passe.
field-token-label = Nom de l'application
account-token-create = Créer un jeton
account-delete = Supprimer mon compte
account-delete-intro = Vos données personnelles sont effacées et vos soutiens retirés. Vos propositions et commentaires restent publics, sans votre nom. C'est définitif.
field-password-confirm = Confirmez avec votre mot de passe
account-delete-submit = Supprimer définitivement mon compte
proposal-edit-conflict-current = Voici la version enregistrée maintenant :
proposal-edit-conflict-again = Votre texte est conservé dans le formulaire ci-dessous. Enregistrez-le à nouveau pour remplacer la version ci-dessus.
